package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored documents' BSON, written and read as mongo-java-server's {@code BsonEncoder} and
 * {@code BsonDecoder} do (the same bytes, the same Java values), for the types runs are made of;
 * {@link StoredBson} uses the stock codec for any other. Field names are the same dozen words in
 * every run, and the stock codec encoded each to UTF-8 on every write and made a new string of it
 * on every read (with an array decoded as a whole document of "0", "1"... first): 4–5% of the bytes
 * the pipeline allocated per run (docs/benchmarks.md, twenty-first round). Here each thread keeps
 * the names it met, both ways. Not thread-safe: one instance per thread ({@link #current}).
 */
final class BsonBytes {

  private static final byte DOUBLE = 0x01;
  private static final byte STRING = 0x02;
  private static final byte DOCUMENT = 0x03;
  private static final byte ARRAY = 0x04;
  private static final byte BOOLEAN = 0x08;
  private static final byte DATE = 0x09;
  private static final byte NULL = 0x0A;
  private static final byte INT32 = 0x10;
  private static final byte INT64 = 0x12;

  private static final int NAMES = 256; // slots of the read-side name cache (a power of two)
  private static final int MAX_CACHED_NAMES = 4096; // write side; past this, names are encoded each time
  private static final ThreadLocal<BsonBytes> PER_THREAD = ThreadLocal.withInitial(BsonBytes::new);

  /** Thrown while writing a value of a type not written here; the caller writes the document with the stock codec. */
  private static final class NotHandled extends RuntimeException {
    NotHandled() {
      super(null, null, false, false);
    }
  }

  private static final NotHandled NOT_HANDLED = new NotHandled();

  private final byte[][] readNames = new byte[NAMES][];
  private final String[] readStrings = new String[NAMES];
  private final Map<String, byte[]> writtenNames = new HashMap<>();
  private byte[] out = new byte[1024];
  private int size;
  private byte[] in;
  private int at;

  private BsonBytes() {}

  static BsonBytes current() {
    return PER_THREAD.get();
  }

  /** The document's BSON, or null if it holds a value of a type not written here. */
  byte[] encode(Document document) {
    size = 0;
    try {
      writeDocument(document);
    } catch (NotHandled e) {
      return null;
    } finally {
      if (out.length > 1024 * 1024) {
        out = new byte[1024]; // do not keep a big document's buffer per thread
      }
    }
    return Arrays.copyOf(out, size);
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

  private void writeDocument(Map<?, ?> document) {
    int start = reserveLength();
    for (Map.Entry<?, ?> field : document.entrySet()) {
      if (!(field.getKey() instanceof String name)) {
        throw NOT_HANDLED;
      }
      writeElement(name, field.getValue());
    }
    endDocument(start);
  }

  private void writeArray(List<?> values) {
    int start = reserveLength();
    for (int i = 0; i < values.size(); i++) {
      writeElement(i < 10 ? DIGITS[i] : Integer.toString(i), values.get(i));
    }
    endDocument(start);
  }

  private static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

  private void writeElement(String name, Object value) {
    // The stock encoder's type order (BsonEncoder.determineType) for the types written here.
    if (value == null) {
      header(NULL, name);
    } else if (value instanceof Map<?, ?> map) {
      header(DOCUMENT, name);
      writeDocument(map);
    } else if (value instanceof Integer number) {
      header(INT32, name);
      int32(number);
    } else if (value instanceof Long number) {
      header(INT64, name);
      int64(number);
    } else if (value instanceof Double number) {
      header(DOUBLE, name);
      int64(Double.doubleToRawLongBits(number));
    } else if (value instanceof String text) {
      header(STRING, name);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      int32(bytes.length + 1);
      bytes(bytes);
      byte1(0);
    } else if (value instanceof Boolean flag) {
      header(BOOLEAN, name);
      byte1(flag ? 1 : 0);
    } else if (value instanceof List<?> list) {
      header(ARRAY, name);
      writeArray(list);
    } else if (value instanceof Instant instant) {
      header(DATE, name);
      int64(instant.toEpochMilli());
    } else {
      throw NOT_HANDLED;
    }
  }

  private void header(byte type, String name) {
    byte1(type);
    byte[] encoded = writtenNames.get(name);
    if (encoded == null) {
      encoded = name.getBytes(StandardCharsets.UTF_8);
      for (byte b : encoded) {
        if (b == 0) {
          throw NOT_HANDLED; // not a C string: the stock codec decides what to do with it
        }
      }
      if (writtenNames.size() < MAX_CACHED_NAMES) {
        writtenNames.put(name, encoded);
      }
    }
    bytes(encoded);
    byte1(0);
  }

  private int reserveLength() {
    int start = size;
    int32(0);
    return start;
  }

  private void endDocument(int start) {
    byte1(0);
    int length = size - start;
    out[start] = (byte) length;
    out[start + 1] = (byte) (length >>> 8);
    out[start + 2] = (byte) (length >>> 16);
    out[start + 3] = (byte) (length >>> 24);
  }

  private void ensure(int more) {
    if (size + more > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
    }
  }

  private void byte1(int value) {
    ensure(1);
    out[size++] = (byte) value;
  }

  private void bytes(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, out, size, bytes.length);
    size += bytes.length;
  }

  private void int32(int value) {
    ensure(4);
    out[size++] = (byte) value;
    out[size++] = (byte) (value >>> 8);
    out[size++] = (byte) (value >>> 16);
    out[size++] = (byte) (value >>> 24);
  }

  private void int64(long value) {
    int32((int) value);
    int32((int) (value >>> 32));
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
