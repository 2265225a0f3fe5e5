// The heavy half of the helper: everything that pulls in the AWS SDK or is rarely run. scripts/build.mjs bundles
// it apart from the main script (an SEA asset with its own code cache), so a cache hit never parses it; it is
// reached only through loadHeavy() in heavy-loader.ts. Plain re-exports, not one lazy require() per entry: that
// was measured slower on a miss (esbuild then keeps whole modules, and the larger code cache takes longer to
// load than the top-level code it would skip).
export { ecrTokenSource } from './token-sources/ecr';
export { ecrPublicTokenSource } from './token-sources/ecr-public';
export { runConfigure } from './configure';
export { runDoctor } from './doctor';
