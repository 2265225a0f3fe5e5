// The operating system's rules, chosen once: windows.ts on Windows, posix.ts elsewhere. Code outside
// src/platform/ asks `hostOs` instead of testing process.platform, and tests call either set directly.
import { posixOs } from './posix';
import { windowsOs } from './windows';
import type { HostOs } from './os-rules';

export const hostOs: HostOs = process.platform === 'win32' ? windowsOs : posixOs;

/** Whether permission bits and owners from stat() mean anything here (not on Windows: Bun reports 0666). */
export const posixPermissions = hostOs.name === 'posix';
