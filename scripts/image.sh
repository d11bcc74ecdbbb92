#!/usr/bin/env bash
# Builds the container image flexvpn-emu:latest and flexvpn-emu:VERSION with podman, without any
# registry, and saves it as an OCI archive that `podman load` and `docker load` accept:
#   1. the release binary, linked statically (Swift's runtime and Foundation, glibc, and libedit
#      with its libbsd, libmd and libtinfo), in .build-image/;
#   2. a build context with that binary and the router's user (uid 10001) in /etc/passwd;
#   3. `podman build -f deploy/image/Containerfile` (FROM scratch), in Docker's manifest format,
#      the one that keeps HEALTHCHECK (OCI's image config has no health check);
#   4. `podman save --format oci-archive` to .build-image/flexvpn-emu-VERSION.oci.tar, and
#      `--format docker-archive` to .build-image/flexvpn-emu-VERSION.docker.tar (the OCI archive
#      has no HEALTHCHECK: OCI's image configuration has no field for it; the Docker one keeps it).
# VERSION is `git describe --tags --always --dirty` unless FLEXVPN_IMAGE_VERSION says otherwise.
# Prints each step's duration, the image's size and the archive's path.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --image

version=${FLEXVPN_IMAGE_VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
scratch=.build-image
context=$scratch/context
archive=$scratch/flexvpn-emu-$version.oci.tar
docker_archive=$scratch/flexvpn-emu-$version.docker.tar

elapsed() { echo "$(( $(date +%s%N) / 1000000 - $1 )) ms"; }
now() { echo $(( $(date +%s%N) / 1000000 )); }

# 1. The static binary. libedit.a needs libtinfo, libbsd and libmd after it; lld resolves static
# archives in any order, so the extra libraries can come first on the command line.
start=$(now)
echo "== static release build (swift build -c release -static-executable)"
swift build -c release --product flexvpn-emu --scratch-path "$scratch" \
    -Xswiftc -static-executable -Xswiftc -use-ld=lld \
    -Xlinker -lbsd -Xlinker -lmd -Xlinker -ltinfo
binary=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/flexvpn-emu
echo "static build: $(elapsed "$start")"

# 2. The build context: only what the image holds.
rm -rf "$context"
mkdir -p "$context/rootfs/usr/local/bin" "$context/rootfs/etc" "$context/rootfs/tmp" "$context/config"
chmod 1777 "$context/rootfs/tmp"
# Symbols are for debuggers; the image does without them (about a third of the binary).
strip -o "$context/rootfs/usr/local/bin/flexvpn-emu" "$binary"
printf 'root:x:0:0:root:/root:/sbin/nologin\nflexvpn:x:10001:10001:flexvpn-emu:/config:/sbin/nologin\n' \
    > "$context/rootfs/etc/passwd"
printf 'root:x:0:\nflexvpn:x:10001:\n' > "$context/rootfs/etc/group"

# 3. The image.
start=$(now)
echo "== podman build"
podman build --quiet --format docker --file deploy/image/Containerfile \
    --label org.opencontainers.image.title=flexvpn-emu \
    --label org.opencontainers.image.version="$version" \
    --label org.opencontainers.image.description="An emulated Cisco IOS XE FlexVPN router (SSH and telnet vty lines, RADIUS DAS), headless" \
    --tag flexvpn-emu:latest --tag "flexvpn-emu:$version" "$context"
echo "podman build: $(elapsed "$start")"

# 4. The archives.
start=$(now)
rm -f "$archive" "$docker_archive"
podman save --quiet --format oci-archive --output "$archive" "flexvpn-emu:$version"
echo "podman save (OCI archive): $(elapsed "$start")"
podman save --quiet --format docker-archive --output "$docker_archive" "flexvpn-emu:$version"

echo "image: flexvpn-emu:latest, flexvpn-emu:$version ($(podman image inspect --format '{{.Size}}' flexvpn-emu:latest) bytes)"
echo "archives: $archive ($(stat -c %s "$archive") bytes), $docker_archive ($(stat -c %s "$docker_archive") bytes)"
