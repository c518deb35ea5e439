package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.Test;

class SchedulePlotThinnerTest {

  private static SchedulePlot.Thinner thin(Schedule s, long steps) {
    SchedulePlot.Thinner t = new SchedulePlot.Thinner(steps);
    for (long i = 0; i < steps; i++) {
      t.add(i, s.valueAt(i));
    }
    t.finish();
    return t;
  }

  @Test
  void shortSchedulesAreKeptWhole() {
    Schedule s = Schedule.parse("triangular(base=0.001, max=0.006, up=10)");
    SchedulePlot.Thinner t = thin(s, 1000);
    assertEquals(1000, t.size());
  }

  @Test
  void longSchedulesAreThinnedButKeepPeaksTroughsAndEnds() {
    long steps = 1_000_003;
    Schedule s = Schedule.parse("triangular(base=0.001, max=0.006, up=777)");
    SchedulePlot.Thinner t = thin(s, steps);
    assertTrue(t.size() <= SchedulePlot.MAX_POINTS + 1, "size " + t.size());
    double[] x = t.xs();
    double[] y = t.ys();
    assertEquals(0, x[0]);
    assertEquals(steps - 1, x[x.length - 1]);
    for (int i = 1; i < x.length; i++) {
      assertTrue(x[i] > x[i - 1], "steps strictly increase at " + i);
    }
    // Every cycle's peak and trough is wider apart than a stretch, so the extremes survive.
    assertEquals(0.006, Arrays.stream(y).max().getAsDouble(), 1e-15);
    assertEquals(0.001, Arrays.stream(y).min().getAsDouble(), 1e-15);
  }
}
