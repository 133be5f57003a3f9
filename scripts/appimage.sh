#!/usr/bin/env bash
# Builds the Firebreak AppImage from the desktop .deb: the same binaries (window and
# CLI), desktop entry and icons in an AppDir, packed as squashfs behind Firebreak's own
# AppImage runtime (packaging/appimage/runtime.c: Tauri's AppImage tooling is fetched from
# the network at build time, which this build cannot do).
# Usage: bash scripts/appimage.sh DESKTOP_DEB VERSION ARCH OUTDIR   (called by package.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 4 ]; then
  echo "usage: appimage.sh DESKTOP_DEB VERSION ARCH OUTDIR" >&2
  exit 2
fi
deb=$1 version=$2 arch=$3 out=$4
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
appdir="$stage/AppDir"

gcc -O2 -Wall -Wextra -Werror -o "$stage/runtime" packaging/appimage/runtime.c -I/usr/include/squashfuse \
  -Wl,-Bstatic -lsquashfuse -lzstd -llzma -lz -Wl,-Bdynamic
strip "$stage/runtime"
printf 'AI\002' | dd of="$stage/runtime" bs=1 seek=8 conv=notrunc status=none  # type 2 magic

dpkg-deb -x "$deb" "$appdir"
for bin in firebreak-app firebreak; do
  [ -x "$appdir/usr/bin/$bin" ] || { echo "appimage: $deb has no /usr/bin/$bin" >&2; exit 1; }
done
desktop=$(find "$appdir/usr/share/applications" -name '*.desktop' | head -1)
[ -n "$desktop" ] || { echo "appimage: $deb has no desktop entry" >&2; exit 1; }
icon=$(sed -n 's/^Icon=//p' "$desktop")
png="$appdir/usr/share/icons/hicolor/256x256/apps/$icon.png"
[ -f "$png" ] || { echo "appimage: no 256x256 icon $icon in $deb" >&2; exit 1; }
cp "$desktop" "$appdir/"
cp "$png" "$appdir/$icon.png"
ln -s "$icon.png" "$appdir/.DirIcon"
install -m 0755 packaging/appimage/AppRun "$appdir/AppRun"
rm -rf "$appdir/usr/share/doc"

mksquashfs "$appdir" "$stage/image.squashfs" -root-owned -noappend -comp zstd -no-progress -quiet >/dev/null
target="$out/Firebreak_${version}_${arch}.AppImage"
cat "$stage/runtime" "$stage/image.squashfs" > "$target"
chmod 0755 "$target"
echo "appimage: $target"
