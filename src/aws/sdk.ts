// The AWS SDK half of the token service: the token sources. It is reached only through loadSdk()
// (sdk-loader.ts), whose dynamic import makes the build put it in a chunk of its own, which a hit never loads.
export { ecrTokenSource } from './ecr';
export { ecrPublicTokenSource } from './ecr-public';
