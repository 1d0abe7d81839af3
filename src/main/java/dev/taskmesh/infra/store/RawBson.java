package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.backend.Missing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Top-level fields of a BSON document read where they lie, without decoding the document: what a
 * scan needs to match a simple filter and read sort keys on thousands of stored runs, of which it
 * returns a page of twenty. Values come back as mongo-java-server's decoder would give them, for the
 * types read here; any other type is {@link #UNREAD}, and the caller decodes the whole document.
 */
final class RawBson {

  /** A value of a type not read here: decode the document instead. */
  static final Object UNREAD = new Object() {
    @Override
    public String toString() {
      return "UNREAD";
    }
  };

  private static final byte DOUBLE = 0x01;
  private static final byte STRING = 0x02;
  private static final byte DOCUMENT = 0x03;
  private static final byte ARRAY = 0x04;
  private static final byte BINARY = 0x05;
  private static final byte OBJECT_ID = 0x07;
  private static final byte BOOLEAN = 0x08;
  private static final byte DATE = 0x09;
  private static final byte NULL = 0x0A;
  private static final byte REGEX = 0x0B;
  private static final byte CODE = 0x0D;
  private static final byte SYMBOL = 0x0E;
  private static final byte CODE_WITH_SCOPE = 0x0F;
  private static final byte INT32 = 0x10;
  private static final byte TIMESTAMP = 0x11;
  private static final byte INT64 = 0x12;
  private static final byte DECIMAL128 = 0x13;

  private RawBson() {}

  /** Field names as the UTF-8 bytes BSON stores them under. */
  static byte[][] names(String... fields) {
    byte[][] names = new byte[fields.length][];
    for (int i = 0; i < fields.length; i++) {
      names[i] = fields[i].getBytes(StandardCharsets.UTF_8);
    }
    return names;
  }

  /**
   * The values of the named top-level fields, in one pass over the document: {@link Missing} for
   * an absent field, {@link #UNREAD} for a type not read here (also for every field when the
   * document holds a type this reader cannot step over).
   */
  static Object[] read(byte[] bson, byte[][] names) {
    Object[] values = new Object[names.length];
    Arrays.fill(values, Missing.getInstance());
    int found = 0;
    int at = 4; // after the document's length
    while (at < bson.length && bson[at] != 0 && found < names.length) {
      byte type = bson[at];
      int nameStart = at + 1;
      int nameEnd = nameStart;
      while (bson[nameEnd] != 0) {
        nameEnd++;
      }
      int value = nameEnd + 1;
      Object read = null;
      for (int i = 0; i < names.length; i++) { // a name may be asked for twice (a filter field that is also a sort key)
        if (values[i] == Missing.getInstance() && Arrays.equals(bson, nameStart, nameEnd, names[i], 0, names[i].length)) {
          values[i] = read = read != null ? read : value(bson, type, value);
          found++;
        }
      }
      int next = skip(bson, type, value);
      if (next < 0) {
        Arrays.fill(values, UNREAD);
        return values;
      }
      at = next;
    }
    return values;
  }

  private static Object value(byte[] bson, byte type, int at) {
    return switch (type) {
      case STRING -> new String(bson, at + 4, int32(bson, at) - 1, StandardCharsets.UTF_8);
      case DATE -> Instant.ofEpochMilli(int64(bson, at));
      case INT32 -> int32(bson, at);
      case INT64 -> int64(bson, at);
      case DOUBLE -> Double.longBitsToDouble(int64(bson, at));
      case BOOLEAN -> bson[at] != 0;
      case NULL -> null;
      default -> UNREAD;
    };
  }

  /** Where the element after a value of {@code type} at {@code at} starts; -1 for a type not known here. */
  private static int skip(byte[] bson, byte type, int at) {
    return switch (type) {
      case DOUBLE, DATE, INT64, TIMESTAMP -> at + 8;
      case STRING, CODE, SYMBOL -> at + 4 + int32(bson, at);
      case DOCUMENT, ARRAY, CODE_WITH_SCOPE -> at + int32(bson, at);
      case BINARY -> at + 5 + int32(bson, at);
      case OBJECT_ID -> at + 12;
      case BOOLEAN -> at + 1;
      case NULL, 0x06, (byte) 0xFF, 0x7F -> at; // null, undefined, min key, max key: no value bytes
      case REGEX -> afterCString(bson, afterCString(bson, at));
      case INT32 -> at + 4;
      case DECIMAL128 -> at + 16;
      default -> -1;
    };
  }

  private static int afterCString(byte[] bson, int at) {
    while (bson[at] != 0) {
      at++;
    }
    return at + 1;
  }

  /** A little-endian int32 at {@code at}, as BSON stores lengths and numbers. */
  static int int32(byte[] bson, int at) {
    return (bson[at] & 0xFF) | (bson[at + 1] & 0xFF) << 8 | (bson[at + 2] & 0xFF) << 16 | (bson[at + 3] & 0xFF) << 24;
  }

  static long int64(byte[] bson, int at) {
    return (int32(bson, at) & 0xFFFFFFFFL) | (long) int32(bson, at + 4) << 32;
  }
}
