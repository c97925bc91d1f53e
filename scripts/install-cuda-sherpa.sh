#!/usr/bin/env bash
# Makes the installed sherpa-onnx run on NVIDIA GPUs: replaces the CPU build of its shared libraries in
# node_modules/sherpa-onnx-linux-x64/ with the CUDA build from sherpa-onnx's GPU release archive, as the
# maintainers describe for Node.js (k2-fsa/sherpa-onnx#1146): every .so of the archive's lib/ folder goes
# next to sherpa-onnx.node. sherpa-onnx.node itself stays: it links only libsherpa-onnx-c-api.so, whose
# C API is the same in the CPU and GPU builds of one release, so the archive must be of exactly the
# release of the installed sherpa-onnx-node (checked). The libraries are replaced as a set: a GPU
# build may use another onnxruntime version than the CPU build.
#
# Usage: scripts/install-cuda-sherpa.sh <archive URL or path> <sha256 of the archive>
#   The archive is sherpa-onnx-v<version>-cuda-12.x-cudnn-9.x-onnxruntime<ort>-linux-x64-gpu.tar.bz2 (or the
#   cuda-13.x one) from https://github.com/k2-fsa/sherpa-onnx/releases/tag/v<version>, <version> being
#   sherpa-onnx-node's (npm ls sherpa-onnx-node). Get its sha256 from the release page's asset digest, or
#   download it once from a trusted network and run sha256sum on it. Nothing is replaced unless the
#   checksum matches. Running it again with the same archive does nothing.
# Needs: Linux x64, node, tar, bzip2, sha256sum, and curl for a URL. At run time the libraries need the
#   NVIDIA driver, CUDA 12.x (13.x for a cuda-13.x archive) and cuDNN 9.x; see README "GPU".
# Undo: rm -rf node_modules/sherpa-onnx-linux-x64 && npm install (brings the CPU build back).
set -euo pipefail

log() { printf '\033[1m[hark]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -eq 2 ] || die "usage: $0 <archive URL or path> <sha256 of the archive> (see the comments at the top of $0)"
archive=$1
[[ $archive =~ ^https?:// || $archive == /* ]] || archive=$PWD/$archive # before the cd below
sha256=$(printf '%s' "$2" | tr 'A-F' 'a-f')
[[ $sha256 =~ ^[0-9a-f]{64}$ ]] || die "the second argument must be the archive's sha256: 64 hex digits, got '$2'"
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || die "sherpa-onnx's CUDA build is for Linux x86_64; this is $(uname -s)-$(uname -m)"
for tool in node tar bzip2 sha256sum; do command -v "$tool" >/dev/null || die "$tool is required (apt-get install $tool)"; done
cd "$(dirname "$0")/.."

# Where sherpa-onnx-node loads its addon from (see its addon-static-import.js), and its version.
read -r version node_dir < <(node -e '
  const pkg = require.resolve("sherpa-onnx-node/package.json", { paths: [process.cwd()] });
  console.log(require(pkg).version, require("path").dirname(pkg));
' 2>/dev/null) || die "sherpa-onnx-node is not installed here ($PWD): run npm install first"
addon_dir=""
for candidate in "$(dirname "$node_dir")/sherpa-onnx-linux-x64" "$node_dir/node_modules/sherpa-onnx-linux-x64"; do
  [ -f "$candidate/sherpa-onnx.node" ] && { addon_dir=$candidate; break; }
done
[ -n "$addon_dir" ] || die "sherpa-onnx-linux-x64 (sherpa-onnx-node's addon) is not installed: run npm install first"
marker=$addon_dir/.hark-cuda-archive

if [ -f "$marker" ] && [ "$(cat "$marker")" = "$sha256 v$version" ] && [ -e "$addon_dir/libonnxruntime_providers_cuda.so" ]; then
  log "the CUDA build (archive sha256 $sha256) is already installed in $addon_dir; nothing to do"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
file=$work/archive.tar.bz2
if [[ $archive =~ ^https?:// ]]; then
  command -v curl >/dev/null || die "curl is required to download $archive (or download it yourself and pass its path)"
  log "downloading $archive"
  curl -fL --retry 3 --retry-delay 2 --progress-bar -o "$file" "$archive" || die "could not download $archive"
else
  [ -f "$archive" ] || die "no such file: $archive"
  file=$archive
fi

actual=$(sha256sum "$file" | cut -d' ' -f1)
[ "$actual" = "$sha256" ] || die "checksum mismatch for $archive: expected $sha256, got $actual. Nothing was changed."

mkdir "$work/x"
tar -xjf "$file" -C "$work/x" || die "$archive is not a valid .tar.bz2 archive"
tops=("$work"/x/*/)
if [ ${#tops[@]} -ne 1 ] || [ ! -d "${tops[0]}lib" ]; then
  die "$archive does not look like a sherpa-onnx release archive (one folder with lib/ in it)"
fi
top=$(basename "${tops[0]}")
[[ $top == "sherpa-onnx-v$version-"* ]] ||
  die "$archive holds $top, but the installed sherpa-onnx-node is $version: use the GPU archive of release v$version"
lib=${tops[0]}lib
for needed in libsherpa-onnx-c-api.so libonnxruntime.so libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so; do
  [ -e "$lib/$needed" ] || die "$archive has no lib/$needed: it is not a CUDA build of sherpa-onnx (want a *-gpu.tar.bz2)"
done

log "replacing the sherpa-onnx libraries in $addon_dir with those of $top"
cp -a --remove-destination "$lib"/*.so* "$addon_dir"/
printf '%s v%s\n' "$sha256" "$version" > "$marker"

# The addon must load against the new libraries (same release: same C API).
versions=$(node -e 'const s = require("sherpa-onnx-node"); console.log("sherpa-onnx " + s.version + ", onnxruntime " + s.onnxruntimeVersion)' 2>&1) ||
  die "sherpa-onnx-node no longer loads after the replacement: $versions (undo: rm -rf $addon_dir && npm install)"
log "installed: $versions (CUDA build)"

# What the CUDA provider needs from the system (the driver's own libcuda is mounted or installed apart).
missing=$(LD_LIBRARY_PATH="$addon_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ldd "$addon_dir/libonnxruntime_providers_cuda.so" 2>/dev/null |
  awk '/=> not found/ && $1 !~ /^(libcuda\.so|libnvidia-)/ { print $1 }' | paste -sd, - || true)
if [ -n "$missing" ]; then
  log "warning: not found on this machine yet: $missing. Install CUDA and cuDNN (lib*.so.12: CUDA 12.x, libcudnn*.so.9: cuDNN 9.x) or add their folder to LD_LIBRARY_PATH; the processor checks this again at start"
fi
log "start the processor with ASR_DEVICES=cuda; it checks at start that Whisper really runs on CUDA"
