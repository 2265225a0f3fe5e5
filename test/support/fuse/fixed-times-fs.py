# A file system whose root directory reports the same times, size and inode whatever its entries, as FUSE file
# systems over object stores (rclone, s3fs, gcsfuse) report their directories: "config" is there only while the
# control file named on the command line exists. For test/e2e/hit-memo-fuse.test.ts. Usage: fixed-times-fs.py MOUNT CONTROL
import errno
import os
import stat
import sys

from fusepy import FUSE, FuseOSError, Operations

CONFIG = b'[default]\nregion = eu-west-1\n'
TIME = 1_600_000_000


class FixedTimes(Operations):
    def __init__(self, control):
        self.control = control

    def present(self):
        return os.path.exists(self.control)

    def getattr(self, path, fh=None):
        if path == '/':
            return dict(st_mode=stat.S_IFDIR | 0o755, st_nlink=2, st_size=4096, st_mtime=TIME, st_ctime=TIME, st_atime=TIME)
        if path == '/config' and self.present():
            return dict(st_mode=stat.S_IFREG | 0o644, st_nlink=1, st_size=len(CONFIG), st_mtime=TIME, st_ctime=TIME, st_atime=TIME)
        raise FuseOSError(errno.ENOENT)

    def readdir(self, path, fh):
        return ['.', '..'] + (['config'] if self.present() else [])

    def read(self, path, size, offset, fh):
        return CONFIG[offset:offset + size]


FUSE(FixedTimes(sys.argv[2]), sys.argv[1], foreground=True, ro=True, allow_other=True)
