#!/usr/bin/env bash
# Builds the Debian base image every container of the project starts FROM, from Debian's own
# packages (debootstrap), so that no image registry is needed. Idempotent: does nothing when the
# image already exists (`--force` builds it again).
#   scripts/container-base.sh [--force]
# Environment: EN3S_BASE_IMAGE (default localhost/en3s-debian-base:trixie), EN3S_DEBIAN_SUITE
# (trixie: the first with Node.js 20.19 or later), EN3S_DEBIAN_MIRROR.
set -euo pipefail

image="${EN3S_BASE_IMAGE:-localhost/en3s-debian-base:trixie}"
suite="${EN3S_DEBIAN_SUITE:-trixie}"
mirror="${EN3S_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ "${1:-}" != "--force" ] && podman image exists "$image"; then
  echo "$image existe déjà"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "debootstrap doit être lancé en root (ou sous sudo)" >&2
  exit 2
fi
for tool in debootstrap podman; do
  command -v "$tool" >/dev/null 2>&1 || { echo "commande introuvable : $tool (paquet Debian $tool)" >&2; exit 2; }
done

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase "$suite" "$root" "$mirror"
# What an image does not need: apt's lists (each build downloads them again) and the man pages.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/man/*
tar -C "$root" -c . | podman import \
  --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' \
  --message "debootstrap --variant=minbase $suite $mirror" - "$image"
echo "$image construite"
