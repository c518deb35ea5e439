package org.clr4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.clr4j.schedule.CyclicPolicy;
import org.clr4j.schedule.Schedule;
import org.clr4j.schedule.Schedules;
import org.junit.jupiter.api.Test;

class ScheduleTrackerTest {

  static final Schedule CYCLIC =
      Schedules.cyclic(CyclicPolicy.TRIANGULAR).baseLr(0.001).maxLr(0.006).stepSizeUp(7).momentum(0.85, 0.95).build();

  @Property
  void djlUpdateNIsClr4jStepNMinusOnePlusOffset(
      @ForAll @IntRange(min = 1, max = 100_000) int numUpdate, @ForAll @LongRange(min = 0, max = 1000) long offset) {
    ScheduleTracker tracker = new ScheduleTracker(CYCLIC, offset);
    assertEquals(offset + numUpdate - 1, tracker.stepFor(numUpdate));
    assertEquals((float) CYCLIC.valueAt(offset + numUpdate - 1), tracker.getNewValue(numUpdate));
    assertEquals(tracker.getNewValue(numUpdate), tracker.getNewValue("any-parameter", numUpdate));
  }

  @Test
  void firstDjlUpdateIsStepZero() {
    ScheduleTracker tracker = new ScheduleTracker(CYCLIC);
    assertEquals((float) CYCLIC.valueAt(0), tracker.getNewValue(1));
    assertEquals((float) CYCLIC.valueAt(7), tracker.getNewValue(8)); // the peak, 7 steps after step 0
    assertEquals(0.006f, tracker.getNewValue(8), 1e-9);
  }

  @Test
  void numUpdateZeroMeansStepZeroAndNegativeIsRejected() {
    ScheduleTracker tracker = new ScheduleTracker(CYCLIC, 3);
    assertEquals(tracker.getNewValue(1), tracker.getNewValue(0));
    assertEquals(3, tracker.stepFor(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tracker.getNewValue(-1));
    assertTrue(e.getMessage().startsWith("numUpdate (-1) must be >= 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ScheduleTracker(CYCLIC, -1));
  }

  /**
   * DJL's WarmUpTracker asks its main tracker for update 0 when built and then, after warm-up, hands it 0-based
   * counts (0, 1, 2, ...). numUpdate 0 must not fail; the price is that step 0 is used twice (prefer clr4j's
   * {@code warmup(...)} schedule, documented in docs/OPTIMIZERS.md).
   */
  @Test
  void composesWithDjlWarmUpTrackerWhichAsksForUpdateZero() {
    Tracker warm =
        Tracker.warmUp().setMainTracker(new ScheduleTracker(CYCLIC)).optWarmUpSteps(4).optWarmUpBeginValue(0f).build();
    assertEquals((float) CYCLIC.valueAt(0), warm.getNewValue(4));
    assertEquals((float) CYCLIC.valueAt(0), warm.getNewValue(5));
    assertEquals((float) CYCLIC.valueAt(1), warm.getNewValue(6));
  }

  @Test
  void momentumTrackerFollowsTheScheduleOrFallsBack() {
    Tracker m = new ScheduleTracker(CYCLIC).momentumTracker(0.9);
    assertEquals(0.95f, m.getNewValue(1), 1e-7);
    assertEquals(0.85f, m.getNewValue(8), 1e-7);
    Tracker none = new ScheduleTracker(Schedules.constant(0.1)).momentumTracker(0.9);
    assertEquals(0.9f, none.getNewValue(1));
    assertThrows(IllegalArgumentException.class, () -> new ScheduleTracker(CYCLIC).momentumTracker(1.0));
  }

  /** DJL's own Sgd asks for update 1 first: the first step must use the schedule's step 0 lr. */
  @Test
  void djlSgdUsesStepZeroOnItsFirstUpdate() {
    Schedule halving = Schedules.stepDecay(0.1, 1, 0.5); // 0.1, 0.05, 0.025, ...
    Optimizer sgd = Optimizer.sgd().setLearningRateTracker(new ScheduleTracker(halving)).build();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray w = manager.create(new float[] {1f, 2f});
      NDArray g = manager.create(new float[] {1f, 1f});
      sgd.update("w", w, g);
      assertArrayEquals(new float[] {0.9f, 1.9f}, w.toFloatArray(), 1e-6f);
      sgd.update("w", w, g);
      assertArrayEquals(new float[] {0.85f, 1.85f}, w.toFloatArray(), 1e-6f);
    }
  }

  @Test
  void describesItself() {
    assertEquals("ScheduleTracker(" + CYCLIC + ")", new ScheduleTracker(CYCLIC).toString());
    assertEquals(CYCLIC, new ScheduleTracker(CYCLIC, 2).schedule());
    assertEquals(2, new ScheduleTracker(CYCLIC, 2).stepOffset());
  }
}
