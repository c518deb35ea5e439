package org.clr4j.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Where a schedule stops changing: what a run longer than it should be warned about. */
class EndStepTest {

  @Test
  void oneCycleEndsAtItsTotalAndCompositionsShiftIt() {
    assertEquals(10, Schedule.parse("onecycle(max=0.1, total=10)").endStep());
    Schedule oneCycle = Schedule.parse("onecycle(max=0.1, total=10)");
    assertEquals(15, oneCycle.afterWarmup(5, 0.0).endStep());
    assertEquals(27, Schedule.parse("constant(lr=0.1)").then(17, oneCycle).endStep());
    // The last value holds from endStep on.
    assertEquals(oneCycle.valueAt(10), oneCycle.valueAt(1_000), 0.0);
  }

  @Test
  void schedulesThatGoOnChangingHaveNoEnd() {
    assertEquals(Long.MAX_VALUE, Schedule.parse("triangular(base=0.001, max=0.006, up=20)").endStep());
    assertEquals(Long.MAX_VALUE, Schedule.parse("constant(lr=0.1)").endStep());
    assertEquals(Long.MAX_VALUE, Schedule.parse("onecycle(max=0.1, total=10)")
        .then(5, Schedule.parse("constant(lr=0.1)")).endStep());
  }
}
