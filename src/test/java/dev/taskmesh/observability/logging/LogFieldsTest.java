package dev.taskmesh.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFieldsTest {

  @Test
  void fieldsKeepTheOrderTheyWereFirstSetIn() {
    LogFields fields = LogFields.empty().with(LogFields.TRACE_ID, "t1").with(LogFields.RUN_ID, "r1").with(LogFields.TRACE_ID, "t2");
    assertThat(fields.asMap()).containsExactly(Map.entry(LogFields.TRACE_ID, "t2"), Map.entry(LogFields.RUN_ID, "r1"));
    assertThat(fields.get(LogFields.RUN_ID)).isEqualTo("r1");
    assertThat(fields.get(LogFields.USER_ID)).isNull();
    assertThat(fields).hasToString("{trace.id=t2, run.id=r1}");
  }

  @Test
  void aChangeMakesNewFieldsAndLeavesTheOldOnesAsTheyWere() {
    LogFields before = LogFields.empty().with(LogFields.TRACE_ID, "t1");
    LogFields after = before.with(LogFields.TRACE_ID, "t2").with(LogFields.SPAN_ID, "s");
    assertThat(before.asMap()).containsExactly(Map.entry(LogFields.TRACE_ID, "t1"));
    assertThat(after.asMap()).containsExactly(Map.entry(LogFields.TRACE_ID, "t2"), Map.entry(LogFields.SPAN_ID, "s"));
    assertThat(LogFields.empty().isEmpty()).isTrue();
    assertThat(after.isEmpty()).isFalse();
  }

  @Test
  void theSameValueOrRemovingAnAbsentFieldChangesNothing() {
    LogFields fields = LogFields.empty().with(LogFields.RUN_ID, "r1");
    assertThat(fields.with(LogFields.RUN_ID, "r1")).isSameAs(fields);
    assertThat(fields.with(LogFields.USER_ID, null)).isSameAs(fields);
  }

  @Test
  void aNullValueRemovesTheFieldWhereverItStands() {
    LogFields fields = LogFields.empty().with(LogFields.TRACE_ID, "t").with(LogFields.RUN_ID, "r").with(LogFields.USER_ID, "u");
    assertThat(fields.with(LogFields.RUN_ID, null).asMap()).containsExactly(Map.entry(LogFields.TRACE_ID, "t"), Map.entry(LogFields.USER_ID, "u"));
    assertThat(fields.with(LogFields.TRACE_ID, null).with(LogFields.USER_ID, null).with(LogFields.RUN_ID, null).isEmpty()).isTrue();
  }

  @Test
  void theMapCannotBeChanged() {
    Map<String, String> map = LogFields.empty().with(LogFields.RUN_ID, "r").asMap();
    assertThatThrownBy(() -> map.put(LogFields.USER_ID, "u")).isInstanceOf(UnsupportedOperationException.class);
  }
}
