#!/usr/bin/env bash
# The base of Croupier's image, assembled without a container registry or a Docker daemon:
#   rootfs.sh JAVA_HOME OUT
# writes into OUT a root file system for Jib to put under the application (engine/app's pom runs
# it in the package phase and hands OUT to jib:buildTar as an extra directory on a scratch base):
#   /opt/java       a JRE that jlink cuts from the build's JDK, with only the modules the node and
#                   the command line use
#   /lib, /lib64    the C library and the other shared objects that JRE's binaries link against,
#                   copied from this machine (as distroless images carry Debian's), found with ldd
#   /etc/passwd     root, and the unprivileged user 10001 the image runs as
#   /etc/nsswitch.conf, /tmp
# Nothing else: no shell, no package manager.
set -euo pipefail

JDK="${1:?usage: rootfs.sh JAVA_HOME OUT}"
OUT="${2:?usage: rootfs.sh JAVA_HOME OUT}"

# java.base and the networking, logging, XML (logback) and JMX (Micrometer's JVM meters) modules;
# java.desktop for the benchmark's charts; jdk.unsupported for Netty and protobuf; jdk.crypto.ec
# and jdk.naming.dns for TLS and name lookups.
MODULES=java.base,java.logging,java.management,jdk.management,java.naming,jdk.naming.dns,java.xml,java.sql,java.desktop,jdk.unsupported,jdk.crypto.ec,java.net.http,jdk.zipfs

# Built already from the same JDK, modules and script (an incremental build): keep it. The stamp
# lies beside OUT, not in it: Jib copies OUT whole into the image.
STAMP="$("$JDK/bin/java" -version 2>&1 | head -2 | tr '\n' ' ') $MODULES $(cksum < "$0")"
if [ -d "$OUT" ] && [ -f "$OUT.stamp" ] && [ "$(cat "$OUT.stamp")" = "$STAMP" ]; then
  exit 0
fi

rm -rf "$OUT" "$OUT.stamp"
mkdir -p "$OUT/opt" "$OUT/etc" "$OUT/tmp"
"$JDK/bin/jlink" --add-modules "$MODULES" --output "$OUT/opt/java" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6

# Every shared object the JRE's executables and libraries need, at the path the loader looks for
# it, plus the loader itself (ldd prints it as an absolute path).
# (The image is headless: the X11, sound and splash-screen libraries, which only a desktop uses,
# are left out, and so is what they link against.)
find "$OUT/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! -name 'libawt_xawt.so' ! -name 'libjawt.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' \
    -print0 \
  | xargs -0 ldd 2>/dev/null \
  | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' \
  | sort -u \
  | while read -r lib; do
      [ -e "$lib" ] || continue
      case "$lib" in "$OUT"/*) continue ;; esac
      mkdir -p "$OUT$(dirname "$lib")"
      cp -L "$lib" "$OUT$lib"
    done
# The C library loads its name-service modules at run time: files (hosts, passwd) and DNS are in
# libc itself since glibc 2.34; older ones need the libnss objects.
for nss in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 \
           /lib/x86_64-linux-gnu/libresolv.so.2; do
  [ -e "$nss" ] && mkdir -p "$OUT$(dirname "$nss")" && cp -L "$nss" "$OUT$nss"
done

cat > "$OUT/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
croupier:x:10001:10001:croupier:/tmp:/sbin/nologin
PASSWD
cat > "$OUT/etc/group" <<'GROUP'
root:x:0:
croupier:x:10001:
GROUP
echo 'hosts: files dns' > "$OUT/etc/nsswitch.conf"
echo "$STAMP" > "$OUT.stamp"
