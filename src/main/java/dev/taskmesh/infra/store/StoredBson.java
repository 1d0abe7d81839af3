package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import org.h2.mvstore.WriteBuffer;

/**
 * How the embedded store writes a document to its H2 file: the BSON bytes MongoDB's wire protocol
 * uses, behind a one-byte tag. BSON is what the store already speaks, is several times cheaper than
 * the Java serialization H2 falls back to for unknown classes, and is compact. A value BSON cannot
 * carry (none is known; the store only holds what arrived as BSON) is written with Java
 * serialization under its own tag, so a write never fails for want of a codec.
 */
final class StoredBson {

  private static final byte BSON = 'B';
  private static final byte JAVA = 'J';
  private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(1024));

  private StoredBson() {}

  static void write(WriteBuffer out, Document document) {
    byte[] bson = encode(document);
    if (bson == null) {
      out.put(JAVA);
      byte[] serialized = serialize(document);
      out.putInt(serialized.length).put(serialized);
    } else {
      writePacked(out, bson);
    }
  }

  static void writePacked(WriteBuffer out, byte[] bson) {
    out.put(BSON).put(bson);
  }

  /** The document's BSON bytes, or null when BSON cannot carry it. */
  static byte[] encode(Document document) {
    byte[] bson = BsonBytes.encode(document);
    return bson != null ? bson : encodeAnyType(document);
  }

  /** With mongo-java-server's encoder, which writes every type BSON has. */
  static byte[] encodeAnyType(Document document) {
    ByteBuf scratch = SCRATCH.get().clear();
    try {
      BsonEncoder.encodeDocument(document, scratch);
    } catch (RuntimeException notBson) {
      return null;
    }
    byte[] bson = new byte[scratch.readableBytes()];
    scratch.getBytes(scratch.readerIndex(), bson);
    if (scratch.capacity() > 1024 * 1024) {
      SCRATCH.remove(); // do not keep a big document's buffer per thread
    }
    return bson;
  }

  static Document decode(byte[] bson) {
    return BsonBytes.decode(bson);
  }

  /** A stored value as {@link PackedDocument} (BSON, not decoded) or, for the Java-serialized tag, the document. */
  static Object readPacked(ByteBuffer in) {
    if (in.get(in.position()) != BSON) {
      return read(in);
    }
    in.get();
    return new PackedDocument(bsonBytes(in));
  }

  static Document read(ByteBuffer in) {
    byte tag = in.get();
    if (tag == JAVA) {
      byte[] serialized = new byte[in.getInt()];
      in.get(serialized);
      return (Document) deserialize(serialized);
    }
    if (tag != BSON) {
      throw new IllegalStateException("unknown stored document tag " + tag);
    }
    return decode(bsonBytes(in));
  }

  private static byte[] bsonBytes(ByteBuffer in) {
    int length = Integer.reverseBytes(in.getInt(in.position())); // BSON lengths are little-endian
    byte[] bson = new byte[length];
    in.get(bson);
    return bson;
  }

  /** A rough in-memory size for H2's page cache accounting; cheap, as it runs on every write. */
  static int estimatedMemory(Object value) {
    if (value == null) {
      return 8;
    }
    if (value instanceof String text) {
      return 40 + text.length();
    }
    if (value instanceof Map<?, ?> map) {
      int size = 48;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        size += 32 + estimatedMemory(entry.getKey()) + estimatedMemory(entry.getValue());
      }
      return size;
    }
    if (value instanceof Collection<?> list) {
      int size = 40;
      for (Object item : list) {
        size += 8 + estimatedMemory(item);
      }
      return size;
    }
    return 24;
  }

  private static byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Object deserialize(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
