import java.io.ByteArrayOutputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a G1 young collection copies, from a heap dump: which young objects are reachable, which old
 * objects hold them, and how much young garbage only dead old objects keep. A diagnostic for
 * docs/benchmarks.md ("Sixth round" and "Fifteenth round"), not part of the product.
 *
 * <pre>
 * java -Xlog:gc+heap+region=trace:file=regions.log -jar target/taskmesh.jar   # then put load on it
 * jmap -dump:format=b,file=heap.hprof PID                                      # garbage included
 * # regions.txt: "start end type" per region, from the last "Heap Regions" list before the dump
 * java -Xmx8g bench/HeapScan.java heap.hprof regions.txt
 * </pre>
 *
 * Objects in O and H regions count as old, all others as young (eden fills free regions after the
 * collection). HPROF with 8-byte ids only.
 */
public class HeapScan {

  private static final long CHUNK = 1L << 30;
  private static final int[] SIZE = new int[12];

  static {
    SIZE[2] = 8; SIZE[4] = 1; SIZE[5] = 2; SIZE[6] = 4; SIZE[7] = 8; SIZE[8] = 1; SIZE[9] = 2; SIZE[10] = 4; SIZE[11] = 8;
  }

  private static MappedByteBuffer[] maps;

  private record ClassInfo(long superId, byte[] fieldTypes) {}

  /** Objects as parallel arrays: id (address), class id (or -type for primitive arrays), size, data offset, kind. */
  private static final class Objects {
    long[] id = new long[1 << 20]; long[] cls = new long[1 << 20]; int[] size = new int[1 << 20]; long[] pos = new long[1 << 20];
    byte[] kind = new byte[1 << 20]; // 0 instance, 1 object array, 2 primitive array
    int count;

    void add(long objectId, long classId, int bytes, long dataAt, byte k) {
      if (count == id.length) {
        id = Arrays.copyOf(id, count * 2); cls = Arrays.copyOf(cls, count * 2); size = Arrays.copyOf(size, count * 2);
        pos = Arrays.copyOf(pos, count * 2); kind = Arrays.copyOf(kind, count * 2);
      }
      id[count] = objectId; cls[count] = classId; size[count] = bytes; pos[count] = dataAt; kind[count] = k; count++;
    }
  }

  private static final class Longs {
    long[] a = new long[1024]; int size;

    void add(long v) {
      if (size == a.length) a = Arrays.copyOf(a, size * 2);
      a[size++] = v;
    }
  }

  public static void main(String[] args) throws Exception {
    long[][] old = oldRegions(Path.of(args[1]));
    Map<Long, String> strings = new HashMap<>();
    Map<Long, Long> classNames = new HashMap<>();
    Map<Long, ClassInfo> classes = new HashMap<>();
    Objects objects = new Objects();
    Longs roots = new Longs();
    long fileSize = map(Path.of(args[0]));
    long p = 0;
    while (get(p) != 0) p++;
    if (u4(p + 1) != 8) throw new IllegalStateException("only 8-byte ids are supported");
    p += 1 + 4 + 8;
    while (p < fileSize) {
      int tag = u1(p);
      long len = u4(p + 5) & 0xffffffffL;
      long body = p + 9;
      if (tag == 0x01) {
        byte[] text = new byte[(int) len - 8];
        for (int i = 0; i < text.length; i++) text[i] = get(body + 8 + i);
        strings.put(u8(body), new String(text, StandardCharsets.UTF_8));
      } else if (tag == 0x02) {
        classNames.put(u8(body + 4), u8(body + 16));
      } else if (tag == 0x0C || tag == 0x1C) {
        readHeapDump(body, body + len, classes, objects, roots);
      }
      p = body + len;
    }
    Map<Long, byte[]> layouts = new HashMap<>();
    for (Map.Entry<Long, ClassInfo> c : classes.entrySet()) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (ClassInfo k = c.getValue(); k != null; k = classes.get(k.superId())) all.write(k.fieldTypes(), 0, k.fieldTypes().length);
      layouts.put(c.getKey(), all.toByteArray());
    }
    int n = objects.count;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    long[] ids = objects.id;
    Arrays.sort(order, Comparator.comparingLong(i -> ids[i]));
    long[] sortedIds = new long[n]; int[] indexOf = new int[n];
    for (int i = 0; i < n; i++) { sortedIds[i] = ids[order[i]]; indexOf[i] = order[i]; }
    java.util.function.LongToIntFunction find = id -> { int i = Arrays.binarySearch(sortedIds, id); return i < 0 ? -1 : indexOf[i]; };
    java.util.function.IntFunction<String> nameOf = i -> objects.kind[i] == 2 ? "primitive[" + (-objects.cls[i]) + "]"
        : strings.getOrDefault(classNames.getOrDefault(objects.cls[i], -1L), "?");

    boolean[] live = new boolean[n];
    int[] stack = new int[n];
    int[] markedFrom = new int[n]; // the object whose reference marked each one (-1: a root)
    Arrays.fill(markedFrom, -1);
    int sp = 0;
    for (int r = 0; r < roots.size; r++) {
      int i = find.applyAsInt(roots.a[r]);
      if (i >= 0 && !live[i]) { live[i] = true; stack[sp++] = i; }
    }
    Longs refs = new Longs();
    while (sp > 0) {
      int i = stack[--sp];
      refs.size = 0;
      refsOf(objects, i, layouts, refs);
      for (int k = 0; k < refs.size; k++) {
        int j = find.applyAsInt(refs.a[k]);
        if (j >= 0 && !live[j]) { live[j] = true; markedFrom[j] = i; stack[sp++] = j; }
      }
    }
    long liveBytes = 0, liveYoung = 0, deadOld = 0, deadYoung = 0;
    Map<String, long[]> liveYoungByClass = new HashMap<>();
    for (int i = 0; i < n; i++) {
      boolean isOld = isOld(old, objects.id[i]);
      if (live[i]) {
        liveBytes += objects.size[i];
        if (!isOld) {
          liveYoung += objects.size[i];
          long[] v = liveYoungByClass.computeIfAbsent(nameOf.apply(i), x -> new long[2]);
          v[0]++; v[1] += objects.size[i];
        }
      } else if (isOld) {
        deadOld += objects.size[i];
      } else {
        deadYoung += objects.size[i];
      }
    }
    System.out.printf("objects %d; reachable %.1f MB (young %.1f MB); unreachable old %.1f MB, young %.1f MB%n",
        n, liveBytes / 1e6, liveYoung / 1e6, deadOld / 1e6, deadYoung / 1e6);
    System.out.println("reachable young objects by class (count, bytes, shallow and approximate):");
    print(liveYoungByClass, 25);

    // Who keeps the survivors: each reachable young object is charged to the old object through
    // which marking first reached its young chain (a cache, a queue, an index), named with its two
    // referrers, and to the first young object of that chain.
    Map<String, long[]> byAnchor = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (!live[i] || isOld(old, objects.id[i])) continue;
      int first = i, anchor = markedFrom[i];
      while (anchor >= 0 && !isOld(old, objects.id[anchor])) { first = anchor; anchor = markedFrom[anchor]; }
      StringBuilder name = new StringBuilder(anchor < 0 ? "a GC root" : nameOf.apply(anchor));
      for (int k = anchor < 0 ? -1 : markedFrom[anchor], depth = 0; k >= 0 && depth < 2; k = markedFrom[k], depth++) {
        name.append(" <- ").append(nameOf.apply(k));
      }
      long[] v = byAnchor.computeIfAbsent(name + " -> " + nameOf.apply(first), x -> new long[2]);
      v[0]++; v[1] += objects.size[i];
    }
    System.out.println("reachable young objects by the old object holding them (anchor <- its referrers -> first young object):");
    print(byAnchor, 15);

    // Young garbage that an unreachable old object still points to survives a young collection, and so
    // does everything young it reaches in turn: attributed to the first such old referrer.
    Map<String, long[]> kept = new HashMap<>();
    boolean[] seen = new boolean[n];
    Longs inner = new Longs();
    long keptTotal = 0;
    for (int i = 0; i < n; i++) {
      if (live[i] || !isOld(old, objects.id[i])) continue;
      refs.size = 0;
      refsOf(objects, i, layouts, refs);
      for (int k = 0; k < refs.size; k++) {
        if (isOld(old, refs.a[k])) continue;
        int j = find.applyAsInt(refs.a[k]);
        if (j < 0 || live[j] || seen[j]) continue;
        long bytes = 0, count = 0;
        seen[j] = true; stack[sp++] = j;
        while (sp > 0) {
          int y = stack[--sp];
          bytes += objects.size[y]; count++;
          inner.size = 0;
          refsOf(objects, y, layouts, inner);
          for (int m = 0; m < inner.size; m++) {
            if (isOld(old, inner.a[m])) continue;
            int z = find.applyAsInt(inner.a[m]);
            if (z >= 0 && !live[z] && !seen[z]) { seen[z] = true; stack[sp++] = z; }
          }
        }
        keptTotal += bytes;
        long[] v = kept.computeIfAbsent(nameOf.apply(i) + " -> " + nameOf.apply(j), x -> new long[2]);
        v[0] += count; v[1] += bytes;
      }
    }
    System.out.printf("young garbage kept only by unreachable old objects: %.1f MB (old referrer -> young referent: objects, bytes)%n", keptTotal / 1e6);
    print(kept, 15);
  }

  private static void readHeapDump(long q, long end, Map<Long, ClassInfo> classes, Objects objects, Longs roots) {
    while (q < end) {
      int sub = u1(q++);
      switch (sub) {
        case 0xFF, 0x05, 0x07 -> { roots.add(u8(q)); q += 8; }
        case 0x01, 0x02, 0x03, 0x08 -> { roots.add(u8(q)); q += 16; }
        case 0x04, 0x06 -> { roots.add(u8(q)); q += 12; }
        case 0x20 -> { // class dump: statics are roots, instance field types give the layout
          long id = u8(q);
          long superId = u8(q + 12);
          q += 64;
          int constants = u2(q); q += 2;
          for (int i = 0; i < constants; i++) q += 3 + SIZE[u1(q + 2)];
          int statics = u2(q); q += 2;
          for (int i = 0; i < statics; i++) {
            int type = u1(q + 8);
            if (type == 2) roots.add(u8(q + 9));
            q += 9 + SIZE[type];
          }
          int fields = u2(q); q += 2;
          byte[] types = new byte[fields];
          for (int i = 0; i < fields; i++) { types[i] = get(q + 8); q += 9; }
          classes.put(id, new ClassInfo(superId, types));
          roots.add(id);
        }
        case 0x21 -> {
          int bytes = u4(q + 20);
          objects.add(u8(q), u8(q + 12), bytes + 16, q + 24, (byte) 0);
          q += 24 + bytes;
        }
        case 0x22 -> {
          int length = u4(q + 12);
          objects.add(u8(q), u8(q + 16), length * 4 + 16, q + 24, (byte) 1);
          q += 24 + 8L * length;
        }
        case 0x23 -> {
          int length = u4(q + 12);
          int type = u1(q + 16);
          objects.add(u8(q), -type, length * SIZE[type] + 16, -1, (byte) 2);
          q += 17 + (long) length * SIZE[type];
        }
        default -> throw new IllegalStateException("unknown heap dump record " + sub + " at " + q);
      }
    }
  }

  private static void refsOf(Objects objects, int i, Map<Long, byte[]> layouts, Longs out) {
    long q = objects.pos[i];
    if (objects.kind[i] == 2) return;
    if (objects.kind[i] == 1) {
      int length = (objects.size[i] - 16) / 4;
      for (int k = 0; k < length; k++) {
        long v = u8(q + 8L * k);
        if (v != 0) out.add(v);
      }
      return;
    }
    byte[] types = layouts.get(objects.cls[i]);
    if (types == null) return;
    for (byte type : types) {
      if (type == 2) {
        long v = u8(q);
        if (v != 0) out.add(v);
      }
      q += SIZE[type];
    }
  }

  private static long[][] oldRegions(Path regions) throws java.io.IOException {
    List<long[]> old = new ArrayList<>();
    for (String line : Files.readAllLines(regions)) {
      String[] part = line.trim().split("\\s+");
      if (part.length == 3 && (part[2].equals("O") || part[2].startsWith("H"))) old.add(new long[] {Long.decode(part[0]), Long.decode(part[1])});
    }
    old.sort(Comparator.comparingLong(r -> r[0]));
    return old.toArray(long[][]::new);
  }

  private static boolean isOld(long[][] old, long address) {
    int lo = 0, hi = old.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (old[mid][0] <= address) {
        if (address < old[mid][1]) return true;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return false;
  }

  private static void print(Map<String, long[]> totals, int top) {
    totals.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(top)
        .forEach(e -> System.out.printf("  %10d %12d  %s%n", e.getValue()[0], e.getValue()[1], e.getKey()));
  }

  private static long map(Path file) throws java.io.IOException {
    try (FileChannel channel = FileChannel.open(file)) {
      long size = channel.size();
      maps = new MappedByteBuffer[(int) ((size + CHUNK - 1) / CHUNK)];
      for (int i = 0; i < maps.length; i++) {
        long start = i * CHUNK;
        maps[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(CHUNK + 64, size - start));
      }
      return size;
    }
  }

  private static byte get(long p) { return maps[(int) (p / CHUNK)].get((int) (p % CHUNK)); }
  private static int u1(long p) { return get(p) & 0xff; }
  private static int u2(long p) { return (u1(p) << 8) | u1(p + 1); }
  private static int u4(long p) { return (u1(p) << 24) | (u1(p + 1) << 16) | (u1(p + 2) << 8) | u1(p + 3); }
  private static long u8(long p) { return ((long) u4(p) << 32) | (u4(p + 4) & 0xffffffffL); }
}
