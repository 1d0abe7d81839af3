package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Objects;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The H2 key type of a unique index: the index's (normalized) key values, stored as one BSON
 * document {@code {"0": v0, "1": v1, ...}}. Ordered by MongoDB's value order, which needs no
 * encoding per comparison (H2's default type serialized both keys on every comparison of a lookup).
 * The order is total and agrees with {@link KeyValue#equals}: values MongoDB's order calls equal but
 * Java does not (an int and a double of the same value) are told apart by class, then by bytes.
 */
final class KeyValueType extends BasicDataType<KeyValue> {

  static final KeyValueType INSTANCE = new KeyValueType();
  private static final ValueComparator ORDER = ValueComparator.ascWithoutListHandling();

  private KeyValueType() {}

  @Override
  public int getMemory(KeyValue key) {
    int size = 48;
    for (Object value : key) {
      size += 8 + StoredBson.estimatedMemory(value);
    }
    return size;
  }

  @Override
  public void write(WriteBuffer out, KeyValue key) {
    StoredBson.write(out, asDocument(key));
  }

  @Override
  public KeyValue read(ByteBuffer in) {
    return new KeyValue(new ArrayList<>(StoredBson.read(in).values()));
  }

  @Override
  public int compare(KeyValue a, KeyValue b) {
    if (a == b) {
      return 0;
    }
    int bySize = Integer.compare(a.size(), b.size());
    if (bySize != 0) {
      return bySize;
    }
    for (int i = 0; i < a.size(); i++) {
      int byValue = compareValues(a.get(i), b.get(i));
      if (byValue != 0) {
        return byValue;
      }
    }
    return 0;
  }

  static int compareValues(Object x, Object y) {
    if (Objects.equals(x, y)) {
      return 0;
    }
    if (x == null || y == null) {
      return x == null ? -1 : 1;
    }
    int byClass = x.getClass().getName().compareTo(y.getClass().getName());
    if (byClass != 0) {
      return byClass;
    }
    int byOrder = ORDER.compare(x, y);
    if (byOrder != 0) {
      return byOrder;
    }
    return java.util.Arrays.compare(bytes(x), bytes(y));
  }

  private static byte[] bytes(Object value) {
    org.h2.mvstore.WriteBuffer out = new org.h2.mvstore.WriteBuffer(64);
    StoredBson.write(out, new Document("v", value));
    ByteBuffer written = out.getBuffer();
    written.flip();
    byte[] bytes = new byte[written.remaining()];
    written.get(bytes);
    return bytes;
  }

  private static Document asDocument(KeyValue key) {
    Document document = new Document();
    int index = 0;
    for (Object value : key) {
      document.put(Integer.toString(index++), value);
    }
    return document;
  }

  @Override
  public KeyValue[] createStorage(int size) {
    return new KeyValue[size];
  }
}
