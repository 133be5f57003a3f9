/* Firebreak's AppImage runtime.
 *
 * Why it exists: an AppImage is this small ELF program followed by a squashfs image of
 * the application directory (the type 2 layout: "AI\2" at byte 8, the image starting where
 * the ELF ends). The usual runtime and the tools that fetch it come from the network at
 * package time, which a build here cannot reach; this one is built from Debian's
 * libsquashfuse instead. It needs no FUSE: it extracts.
 *
 *   Firebreak.AppImage --appimage-extract   writes ./squashfs-root (as the usual runtime)
 *   Firebreak.AppImage --appimage-offset    prints where the image starts
 *   Firebreak.AppImage [ARGS]               extracts into a private temporary directory,
 *                                           runs its AppRun with ARGS, removes it after
 *
 * Build: gcc -O2 runtime.c -I/usr/include/squashfuse -Wl,-Bstatic -lsquashfuse -lzstd
 *        -llzma -lz -Wl,-Bdynamic (scripts/appimage.sh), so only the C library is needed.
 */
#define _GNU_SOURCE
#include <squashfuse.h> /* first: its config.h sets feature macros that features.h refines */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The packages' images are zstd-compressed; libsquashfuse also knows LZ4 and LZO, whose
 * libraries are not linked: an image in those formats is refused with a clear error. */
int LZ4_decompress_safe(const char *src, char *dst, int src_size, int dst_cap) {
    (void)src, (void)dst, (void)src_size, (void)dst_cap;
    return -1;
}
int lzo1x_decompress_safe(const unsigned char *src, unsigned long src_len, unsigned char *dst,
                          unsigned long *dst_len, void *wrkmem) {
    (void)src, (void)src_len, (void)dst, (void)dst_len, (void)wrkmem;
    return -1;
}

static void die(const char *what, const char *detail) {
    fprintf(stderr, "Firebreak AppImage: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* Where the squashfs image starts: the end of the ELF file, i.e. of its section headers. */
static off_t image_offset(const char *self) {
    Elf64_Ehdr eh;
    int fd = open(self, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("cannot read itself", strerror(errno));
    ssize_t n = pread(fd, &eh, sizeof eh, 0);
    close(fd);
    if (n != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
        die("not a 64-bit ELF file", self);
    return (off_t)(eh.e_shoff + (Elf64_Off)eh.e_shentsize * eh.e_shnum);
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

static void extract_file(sqfs *fs, sqfs_inode *inode, const char *path) {
    static char buf[1 << 16];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, inode->base.mode & 07777);
    if (fd < 0) die("cannot create", path);
    sqfs_off_t size = (sqfs_off_t)inode->xtra.reg.file_size;
    for (sqfs_off_t at = 0; at < size;) {
        sqfs_off_t chunk = size - at < (sqfs_off_t)sizeof buf ? size - at : (sqfs_off_t)sizeof buf;
        if (sqfs_read_range(fs, inode, at, &chunk, buf) != SQFS_OK || chunk <= 0) die("cannot read from the image", path);
        if (write_all(fd, buf, (size_t)chunk) != 0) die("cannot write", path);
        at += chunk;
    }
    if (close(fd) != 0) die("cannot write", path);
}

/* Writes every directory, file and link of the image under `dest`. */
static void extract(const char *self, const char *dest) {
    sqfs fs;
    sqfs_traverse trv;
    sqfs_err err = SQFS_OK;
    char path[PATH_MAX];
    if (sqfs_open_image(&fs, self, (size_t)image_offset(self)) != SQFS_OK) die("no readable image inside", self);
    if (mkdir(dest, 0755) != 0 && errno != EEXIST) die("cannot create", dest);
    if (sqfs_traverse_open(&trv, &fs, sqfs_inode_root(&fs)) != SQFS_OK) die("cannot list the image", self);
    while (sqfs_traverse_next(&trv, &err)) {
        if (trv.dir_end) continue;
        sqfs_inode inode;
        if (snprintf(path, sizeof path, "%s/%s", dest, trv.path) >= (int)sizeof path) die("path too long", trv.path);
        if (sqfs_inode_get(&fs, &inode, trv.entry.inode) != SQFS_OK) die("cannot read an entry", trv.path);
        mode_t mode = inode.base.mode;
        if (S_ISDIR(mode)) {
            if (mkdir(path, (mode & 07777) | 0700) != 0 && errno != EEXIST) die("cannot create", path);
        } else if (S_ISREG(mode)) {
            extract_file(&fs, &inode, path);
        } else if (S_ISLNK(mode)) {
            char target[PATH_MAX];
            size_t len = sizeof target;
            if (sqfs_readlink(&fs, &inode, target, &len) != SQFS_OK) die("cannot read a link", trv.path);
            unlink(path);
            if (symlink(target, path) != 0) die("cannot create link", path);
        } /* devices, fifos and sockets have no place in an application image */
    }
    if (err != SQFS_OK) die("the image is damaged", self);
    sqfs_traverse_close(&trv);
    sqfs_destroy(&fs);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static pid_t child;
static void forward(int sig) {
    if (child > 0) kill(child, sig);
}

int main(int argc, char **argv) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) die("cannot find itself", strerror(errno));
    self[n] = '\0';

    if (argc > 1 && strcmp(argv[1], "--appimage-offset") == 0) {
        printf("%lld\n", (long long)image_offset(self));
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--appimage-extract") == 0) {
        extract(self, "squashfs-root");
        printf("squashfs-root\n");
        return 0;
    }

    const char *tmp = getenv("TMPDIR");
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s/.firebreak-appimage-XXXXXX", tmp && *tmp ? tmp : "/tmp") >= (int)sizeof dir)
        die("TMPDIR is too long", tmp);
    if (!mkdtemp(dir)) die("cannot create a temporary directory", strerror(errno));
    extract(self, dir);
    char apprun[PATH_MAX];
    if (snprintf(apprun, sizeof apprun, "%s/AppRun", dir) >= (int)sizeof apprun) die("TMPDIR is too long", tmp);
    setenv("APPIMAGE", self, 1);
    setenv("APPDIR", dir, 1);
    setenv("ARGV0", argv[0], 1);

    signal(SIGINT, forward);
    signal(SIGTERM, forward);
    signal(SIGHUP, forward);
    child = fork();
    if (child < 0) die("cannot start", strerror(errno));
    if (child == 0) {
        argv[0] = apprun;
        execv(apprun, argv);
        die("cannot run", apprun);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
