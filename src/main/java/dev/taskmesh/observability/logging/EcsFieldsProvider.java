package dev.taskmesh.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import net.logstash.logback.composite.AbstractJsonProvider;

/** The ECS fields logstash-logback-encoder has no provider for: service, host and error summary. */
public final class EcsFieldsProvider extends AbstractJsonProvider<ILoggingEvent> {

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    generator.writeStringField("service.name", ServiceIdentity.SERVICE_NAME);
    generator.writeStringField("service.instance.id", ServiceIdentity.instanceId());
    List<String> roles = ServiceIdentity.roles();
    if (!roles.isEmpty()) {
      generator.writeArrayFieldStart("service.node.roles");
      for (String role : roles) {
        generator.writeString(role);
      }
      generator.writeEndArray();
    }
    generator.writeStringField("host.name", ServiceIdentity.hostName());
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      generator.writeStringField("error.type", error.getClassName());
      if (error.getMessage() != null) {
        generator.writeStringField("error.message", error.getMessage());
      }
    }
  }
}
