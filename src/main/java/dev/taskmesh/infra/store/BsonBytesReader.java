package dev.taskmesh.infra.store;

import static dev.taskmesh.infra.store.BsonBytes.ARRAY;
import static dev.taskmesh.infra.store.BsonBytes.BOOLEAN;
import static dev.taskmesh.infra.store.BsonBytes.DATE;
import static dev.taskmesh.infra.store.BsonBytes.DOCUMENT;
import static dev.taskmesh.infra.store.BsonBytes.DOUBLE;
import static dev.taskmesh.infra.store.BsonBytes.INT32;
import static dev.taskmesh.infra.store.BsonBytes.INT64;
import static dev.taskmesh.infra.store.BsonBytes.NULL;
import static dev.taskmesh.infra.store.BsonBytes.STRING;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The reading half of {@link BsonBytes}: keeps the strings of the field names it met. One per thread. */
final class BsonBytesReader {

  private static final int NAMES = 256; // slots of the name cache (a power of two)
  private static final ThreadLocal<BsonBytesReader> PER_THREAD = ThreadLocal.withInitial(BsonBytesReader::new);

  private final byte[][] readNames = new byte[NAMES][];
  private final String[] readStrings = new String[NAMES];
  private byte[] in;
  private int at;

  private BsonBytesReader() {}

  static BsonBytesReader current() {
    return PER_THREAD.get();
  }

  /** The document in {@code bson}, with the values the stock decoder gives. */
  Document decode(byte[] bson) {
    in = bson;
    at = 0;
    try {
      return readDocument();
    } finally {
      in = null;
    }
  }

  private Document readDocument() {
    int start = at;
    int length = readInt32();
    if (length - 4 > in.length - at) {
      throw new IllegalArgumentException("Too few bytes to read: " + (in.length - at) + ". Expected: " + (length - 4));
    }
    Document document = new Document();
    while (at - start < length) {
      byte type = in[at++];
      if (type == 0) {
        return document;
      }
      String name = readName();
      Object previous = document.put(name, readValue(type));
      if (previous != null) {
        throw new IllegalArgumentException("Duplicate key '" + name + "' in BSON document");
      }
    }
    throw new IllegalArgumentException("illegal BSON object: document of " + length + " bytes without its end");
  }

  private List<Object> readArray() {
    int start = at;
    int length = readInt32();
    List<Object> values = new ArrayList<>();
    while (at - start < length) {
      byte type = in[at++];
      if (type == 0) {
        return values;
      }
      at = endOfName(at) + 1; // "0", "1"...: the position is the index
      values.add(readValue(type));
    }
    throw new IllegalArgumentException("illegal BSON object: array of " + length + " bytes without its end");
  }

  private Object readValue(byte type) {
    switch (type) {
      case DOUBLE:
        return Double.longBitsToDouble(readInt64());
      case STRING: {
        int length = readInt32() - 1;
        String text = new String(in, at, length, StandardCharsets.UTF_8);
        at += length;
        if (in[at++] != 0) {
          throw new IllegalArgumentException("string of " + length + " bytes without its terminating zero");
        }
        return text;
      }
      case DOCUMENT:
        return readDocument();
      case ARRAY:
        return readArray();
      case BOOLEAN: {
        byte flag = in[at++];
        if (flag == 0) {
          return Boolean.FALSE;
        }
        if (flag == 1) {
          return Boolean.TRUE;
        }
        throw new IllegalArgumentException("Illegal boolean value:" + flag);
      }
      case DATE:
        return Instant.ofEpochMilli(readInt64());
      case NULL:
        return null;
      case INT32:
        return readInt32();
      case INT64:
        return readInt64();
      default: {
        ByteBuf buffer = Unpooled.wrappedBuffer(in);
        buffer.readerIndex(at);
        Object value = BsonDecoder.decodeValue(type, buffer);
        at = buffer.readerIndex();
        return value;
      }
    }
  }

  private String readName() {
    int end = endOfName(at);
    int hash = 1;
    for (int i = at; i < end; i++) {
      hash = 31 * hash + in[i];
    }
    int slot = (hash ^ hash >>> 16) & (NAMES - 1);
    byte[] known = readNames[slot];
    String name;
    if (known != null && Arrays.equals(known, 0, known.length, in, at, end)) {
      name = readStrings[slot];
    } else {
      name = new String(in, at, end - at, StandardCharsets.UTF_8);
      readNames[slot] = Arrays.copyOfRange(in, at, end);
      readStrings[slot] = name;
    }
    at = end + 1;
    return name;
  }

  private int endOfName(int from) {
    for (int i = from; i < in.length; i++) {
      if (in[i] == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("string termination not found");
  }

  private int readInt32() {
    int value = RawBson.int32(in, at);
    at += 4;
    return value;
  }

  private long readInt64() {
    long value = RawBson.int64(in, at);
    at += 8;
    return value;
  }
}
