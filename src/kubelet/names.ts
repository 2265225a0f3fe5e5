// The names under which the kubelet runs this helper: AWS's plugin's file name (replacing that file on an EKS
// node is the whole migration), and the argument that selects the mode under any other name.
export const KUBELET_PLUGIN_NAME = 'ecr-credential-provider';
export const KUBELET_MODE = 'kubelet-credential-provider';
