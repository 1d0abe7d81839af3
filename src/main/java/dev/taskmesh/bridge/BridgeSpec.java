package dev.taskmesh.bridge;

import java.util.List;

/**
 * One inbound bridge: records of {@code topics}, read by consumer group {@code groupId}, are sent as
 * requests to the event-bus {@code address}. At most {@code maxInFlightPerPartition} records of one
 * partition wait for a reply at a time. On stop the bridge waits up to {@code shutdownGraceMs} for
 * the replies of records in flight before it hands them back (uncommitted) to the group.
 */
public record BridgeSpec(String name, List<String> topics, String groupId, String address, int maxInFlightPerPartition,
    long replyTimeoutMs, long shutdownGraceMs) {

  /** Event-bus headers a bridged record carries. */
  public static final String HEADER_TOPIC = "kafka.topic";
  public static final String HEADER_PARTITION = "kafka.partition";
  public static final String HEADER_OFFSET = "kafka.offset";
  public static final String HEADER_KEY = "kafka.key";
  public static final String HEADER_TRACEPARENT = "traceparent";
}
