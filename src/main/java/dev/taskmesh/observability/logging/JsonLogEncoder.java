package dev.taskmesh.observability.logging;

import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;

/**
 * One JSON object per log line with ECS field names (Kibana's defaults): {@code @timestamp},
 * {@code message}, {@code log.level}, {@code log.logger}, {@code process.thread.name},
 * {@code error.*}, {@code service.*}, {@code host.name}, and the correlation fields of
 * {@link dev.taskmesh.observability.LogContext} ({@code trace.id}, {@code run.id}, ...) from the MDC.
 * The same encoder feeds stdout and the Elasticsearch shipper, so both carry identical documents.
 */
public class JsonLogEncoder extends LogstashEncoder {

  public JsonLogEncoder() {
    LogstashFieldNames names = getFieldNames();
    names.setTimestamp("@timestamp");
    names.setVersion("[ignore]");
    names.setLevelValue("[ignore]");
    names.setLevel("log.level");
    names.setLogger("log.logger");
    names.setThread("process.thread.name");
    names.setStackTrace("error.stack_trace");
    setTimeZone("UTC");
    addProvider(new EcsFieldsProvider());
  }
}
