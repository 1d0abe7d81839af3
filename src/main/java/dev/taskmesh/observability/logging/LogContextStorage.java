package dev.taskmesh.observability.logging;

import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;

/**
 * Registers the context local that carries {@link LogFields}. Vert.x sizes its context-local table
 * when the first instance is built, so registration must happen before that: Vert.x loads this
 * provider through {@code META-INF/services} while it bootstraps, which guarantees the order.
 */
public final class LogContextStorage implements VertxServiceProvider {

  /** Duplicates of a context start with their parent's fields (the value is immutable, so shared). */
  static final ContextLocal<LogFields> LOCAL = ContextLocal.registerLocal(LogFields.class, fields -> fields);

  public static ContextLocal<LogFields> local() {
    return LOCAL;
  }

  @Override
  public void init(VertxBootstrap bootstrap) {
    // registration happens in the static initialiser above
  }
}
