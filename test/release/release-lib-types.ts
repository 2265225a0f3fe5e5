// The types of scripts/lib/targets.mjs, binary-format.mjs and macho-sign.mjs (plain JavaScript), for the release
// tests that load them.
export interface Target {
  name: string;
  os: string;
  arch: string;
  runtimePackage: string;
}
export interface Targets {
  TARGETS: Target[];
  CHECKSUMS: string;
  executableName(version: string, t: Target): string;
  npmTarballName(version: string): string;
  sbomName(version: string): string;
  releaseFiles(version: string): string[];
}
export interface CodeSignature {
  identifier: string;
  adhoc: boolean;
  linkerSigned: boolean;
  hashType: number;
  pageSize: number;
  codeLimit: number;
  nCodeSlots: number;
}
export interface Info {
  format: 'elf' | 'macho';
  machine?: number;
  interpreter?: string | null;
  cputype?: number;
  subsystem?: number;
  signature?: { dataoff: number; datasize: number };
  codeSignature?: CodeSignature;
}
export interface BinaryFormat {
  verifyExecutable(file: string | Buffer, target: string): Info;
  FormatError: new (message: string) => Error;
}
export interface MachoSign {
  adhocSign(buf: Buffer, identifier: string): Buffer;
}
