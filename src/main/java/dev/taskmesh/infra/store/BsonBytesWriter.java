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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The writing half of {@link BsonBytes}: keeps each field name's UTF-8 bytes. One per thread. */
final class BsonBytesWriter {

  private static final int MAX_CACHED_NAMES = 4096; // past this, names are encoded each time
  private static final ThreadLocal<BsonBytesWriter> PER_THREAD = ThreadLocal.withInitial(BsonBytesWriter::new);

  /** Thrown while writing a value of a type not written here; the caller writes the document with the stock codec. */
  private static final class NotHandled extends RuntimeException {
    NotHandled() {
      super(null, null, false, false);
    }
  }

  private static final NotHandled NOT_HANDLED = new NotHandled();

  private final Map<String, byte[]> writtenNames = new HashMap<>();
  private byte[] out = new byte[1024];
  private int size;

  private BsonBytesWriter() {}

  static BsonBytesWriter current() {
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
}
