// The names and numbers the fake shares with its tests: the targets the SDK sends, STS's query dialect, and the
// defaults a test compares its answers with.

export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';
export const ECR_PUBLIC_TARGET_PREFIX = 'SpencerFrontendService';
export const STS_JSON_TARGET_PREFIX = 'AWSSecurityTokenServiceV20110615';
export const ECR_GET_AUTHORIZATION_TOKEN_TARGET = `${ECR_TARGET_PREFIX}.GetAuthorizationToken`;
export const ECR_PUBLIC_GET_AUTHORIZATION_TOKEN_TARGET = `${ECR_PUBLIC_TARGET_PREFIX}.GetAuthorizationToken`;
export const STS_API_VERSION = '2011-06-15';
export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const DEFAULT_ACCOUNT = '123456789012';
/** ECR's real token lifetime. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
/** AssumeRole's default DurationSeconds. */
export const DEFAULT_STS_LIFETIME_SECONDS = 60 * 60;
/** Size of the secret in an 'oversized' answer. */
export const OVERSIZED_BYTES = 4 * 1024 * 1024;
/** The audience EKS (IRSA) puts in service-account tokens for STS, and trustWebIdentity()'s default. */
export const DEFAULT_WEB_IDENTITY_AUDIENCE = 'sts.amazonaws.com';
/** Issuer of makeWebIdentityToken()'s tokens and trustWebIdentity()'s default OIDC provider. */
export const DEFAULT_OIDC_ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
/** Path of the container-credentials endpoint (EKS Pod Identity's agent serves the same path). */
export const CONTAINER_CREDENTIALS_PATH = '/v1/credentials';
/** How far a SigV4 X-Amz-Date may be from AWS's clock either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export type Service = 'ecr' | 'ecr-public' | 'sts';
