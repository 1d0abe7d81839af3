package dev.taskmesh.observability.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** logback's AsyncAppender, plus the Vert.x context's correlation fields captured on the logging thread. */
public class ContextAwareAsyncAppender extends AsyncAppender {

  @Override
  protected void preprocess(ILoggingEvent event) {
    ContextMdc.attach(event);
    super.preprocess(event);
  }
}
