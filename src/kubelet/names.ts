// The names under which the kubelet runs this helper: AWS's plugin's file name (replacing that file on an EKS
// node is the whole migration), and the argument that selects the mode under any other name; and the API versions
// it speaks. Apart from request.ts, so that a hit answered from its memo (fast-hit.ts) loads no request parser.
export const KUBELET_PLUGIN_NAME = 'ecr-credential-provider';
export const KUBELET_MODE = 'kubelet-credential-provider';

/** The kubelet still speaks all three (the provider config picks one); AWS's plugin answering only v1 broke nodes. */
export const KUBELET_API_VERSIONS = [
  'credentialprovider.kubelet.k8s.io/v1',
  'credentialprovider.kubelet.k8s.io/v1beta1',
  'credentialprovider.kubelet.k8s.io/v1alpha1',
] as const;

export type KubeletApiVersion = (typeof KUBELET_API_VERSIONS)[number];
