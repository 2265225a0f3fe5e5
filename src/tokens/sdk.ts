// The AWS SDK half of the helper: everything that pulls in the AWS SDK or is rarely run. It is reached only
// through loadSdk() (sdk-loader.ts), whose dynamic import makes the build put it in a chunk of its own.
export { ecrTokenSource } from './ecr';
export { ecrPublicTokenSource } from './ecr-public';
export { runConfigure } from '../commands/configure';
export { runDoctor } from '../commands/doctor';
export { runKubeletConfig } from '../commands/kubelet-config';
