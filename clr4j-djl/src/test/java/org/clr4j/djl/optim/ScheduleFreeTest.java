package org.clr4j.djl.optim;

import static org.clr4j.djl.optim.OptimTesting.SHAPE;
import static org.clr4j.djl.optim.OptimTesting.SIZE;
import static org.clr4j.djl.optim.OptimTesting.bitsOf;
import static org.clr4j.djl.optim.OptimTesting.randomFloats;
import static org.clr4j.djl.optim.OptimTesting.randomGrads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.clr4j.schedule.Schedule;
import org.clr4j.schedule.Schedules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Schedule-Free state, modes and errors; the equations themselves are checked by ScheduleFreeGoldenTest. */
class ScheduleFreeTest {

  static final Schedule WARMUP = Schedule.parse("warmup(steps=4, then=constant(lr=0.05))");
  static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  static Stream<Arguments> optimizers() {
    return Stream.of(
        Arguments.of("sf-sgd", (Supplier<ScheduleFreeOptimizer>) () ->
            ScheduleFreeSgd.builder().schedule(WARMUP).momentum(0.9).optWeightDecays(1e-3f).build()),
        Arguments.of("sf-adamw", (Supplier<ScheduleFreeOptimizer>) () ->
            ScheduleFreeAdamW.builder().schedule(WARMUP).optWeightDecays(0.01f).build()));
  }

  /** Two parameters, "a" and "b", updated together for each gradient pair. */
  static final class Model implements AutoCloseable {
    final NDManager sub = manager.newSubManager();
    final NDArray a;
    final NDArray b;

    Model(int seedA, int seedB) {
      a = sub.create(randomFloats(new Random(seedA), SIZE, 1.0), SHAPE);
      b = sub.create(randomFloats(new Random(seedB), SIZE, 1.0), SHAPE);
    }

    void steps(ScheduledOptimizer opt, float[][] grads, int from, int to) {
      for (int t = from; t < to; t++) {
        try (NDArray g = sub.create(grads[t], SHAPE);
            NDArray h = g.neg()) {
          opt.update("a", a, g);
          opt.update("b", b, h);
        }
      }
    }

    int[] weightBits() {
      return bitsOf(a, b);
    }

    /** The weights and every buffer of both parameters. */
    int[] allBits(ScheduledOptimizer opt) {
      NDArray[] sa = opt.buffers("a", 0);
      NDArray[] sb = opt.buffers("b", 0);
      NDArray[] all = new NDArray[2 + sa.length + sb.length];
      all[0] = a;
      all[1] = b;
      System.arraycopy(sa, 0, all, 2, sa.length);
      System.arraycopy(sb, 0, all, 2 + sa.length, sb.length);
      return bitsOf(all);
    }

    void set(float[] a0, float[] b0) {
      a.set(a0);
      b.set(b0);
    }

    @Override
    public void close() {
      sub.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void snapshotMoreStepsRestoreSameStepsGivesIdenticalBits(String name, Supplier<ScheduleFreeOptimizer> make) {
    float[][] grads = randomGrads(41, 12, 1.0);
    ScheduleFreeOptimizer opt = make.get();
    try (Model m = new Model(1, 2)) {
      m.steps(opt, grads, 0, 6);
      float[] a6 = m.a.toFloatArray();
      float[] b6 = m.b.toFloatArray();
      try (OptimizerState state = opt.snapshot()) {
        assertEquals(name, state.kind());
        assertEquals(6, state.updates());
        double sum6 = opt.weightSum();
        assertTrue(sum6 > 0);
        m.steps(opt, grads, 6, 12);
        int[] expected = m.allBits(opt);
        double sum12 = opt.weightSum();
        assertNotEquals(sum6, sum12);

        for (int rewind = 0; rewind < 2; rewind++) { // the state stays usable after a restore
          opt.restore(state);
          assertEquals(6, opt.updates());
          assertEquals(sum6, opt.weightSum());
          m.set(a6, b6);
          m.steps(opt, grads, 6, 12);
          assertArrayEquals(expected, m.allBits(opt));
          assertEquals(Double.doubleToRawLongBits(sum12), Double.doubleToRawLongBits(opt.weightSum()));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void saveAndLoadIntoAFreshOptimizerContinuesBitForBit(String name, Supplier<ScheduleFreeOptimizer> make)
      throws IOException {
    float[][] grads = randomGrads(42, 10, 1.0);
    ScheduleFreeOptimizer first = make.get();
    try (Model m = new Model(3, 4);
        Model copy = new Model(3, 4)) {
      m.steps(first, grads, 0, 5);
      copy.steps(make.get(), grads, 0, 5); // same weights; its optimizer is then thrown away
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      first.save(new DataOutputStream(bytes));

      ScheduleFreeOptimizer second = make.get();
      second.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), manager);
      assertEquals(5, second.updates());
      assertEquals(first.weightSum(), second.weightSum());
      m.steps(first, grads, 5, 10);
      copy.steps(second, grads, 5, 10);
      assertArrayEquals(m.weightBits(), copy.weightBits());
      second.eval(); // every parameter was updated since the load: its weights are reachable
      first.eval();
      assertArrayEquals(m.weightBits(), copy.weightBits());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void evalAndTrainRoundTripTheWeightsBitwise(String name, Supplier<ScheduleFreeOptimizer> make) {
    float[][] grads = randomGrads(43, 10, 1.0);
    ScheduleFreeOptimizer opt = make.get();
    ScheduleFreeOptimizer twin = make.get();
    try (Model m = new Model(5, 6);
        Model n = new Model(5, 6)) {
      m.steps(opt, grads, 0, 5);
      n.steps(twin, grads, 0, 5);
      int[] y = m.weightBits();
      int[] x = bitsOf(opt.buffers("a", 0)[ScheduleFreeOptimizer.X], opt.buffers("b", 0)[ScheduleFreeOptimizer.X]);
      assertFalse(java.util.Arrays.equals(x, y), "x and y must differ for the test to mean something");

      assertFalse(opt.evalMode());
      opt.eval();
      assertTrue(opt.evalMode());
      assertArrayEquals(x, m.weightBits());
      opt.eval(); // idempotent
      assertArrayEquals(x, m.weightBits());
      opt.train();
      assertFalse(opt.evalMode());
      assertArrayEquals(y, m.weightBits());
      opt.train(); // idempotent
      assertArrayEquals(y, m.weightBits());

      // training goes on exactly as without the round trip
      m.steps(opt, grads, 5, 10);
      n.steps(twin, grads, 5, 10);
      assertArrayEquals(n.allBits(twin), m.allBits(opt));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void evalAndTrainSwitchEveryDeviceCopyOfAParameter(String name, Supplier<ScheduleFreeOptimizer> make) {
    // as DJL's parameter server drives several devices: one update per copy, same id, same (summed) gradient
    float[][] grads = randomGrads(53, 4, 1.0);
    float[] w0 = randomFloats(new Random(27), SIZE, 1.0);
    ScheduleFreeOptimizer opt = make.get();
    try (NDManager sub = manager.newSubManager()) {
      NDArray first = sub.create(w0, SHAPE);
      NDArray second = sub.create(w0, SHAPE);
      for (float[] g : grads) {
        try (NDArray grad = sub.create(g, SHAPE)) {
          opt.update("w", first, grad);
          opt.update("w", second, grad);
        }
      }
      assertEquals(2, opt.copyCount("w"));
      assertEquals(4, opt.updates());
      int[] y = bitsOf(first);
      assertArrayEquals(y, bitsOf(second));
      opt.eval();
      int[] x = bitsOf(opt.buffers("w", 0)[ScheduleFreeOptimizer.X]);
      assertFalse(java.util.Arrays.equals(x, y));
      assertArrayEquals(x, bitsOf(first));
      assertArrayEquals(x, bitsOf(second));
      opt.train();
      assertArrayEquals(y, bitsOf(first));
      assertArrayEquals(y, bitsOf(second));
    }
  }

  @Test
  void evalBeforeAnyUpdateChangesNothing() {
    ScheduleFreeOptimizer opt = ScheduleFreeSgd.builder().schedule(WARMUP).build();
    try (Model m = new Model(7, 8)) {
      int[] before = m.weightBits();
      opt.eval();
      assertArrayEquals(before, m.weightBits());
      opt.train();
      assertArrayEquals(before, m.weightBits());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void updateInEvalModeFailsBeforeAnythingChanges(String name, Supplier<ScheduleFreeOptimizer> make) {
    float[][] grads = randomGrads(44, 8, 1.0);
    ScheduleFreeOptimizer opt = make.get();
    ScheduleFreeOptimizer twin = make.get();
    try (Model m = new Model(9, 10);
        Model n = new Model(9, 10)) {
      m.steps(opt, grads, 0, 4);
      n.steps(twin, grads, 0, 4);
      opt.eval();
      int[] x = m.weightBits();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.steps(opt, grads, 4, 5));
      assertTrue(e.getMessage().contains("call train()"), e.getMessage());
      assertEquals(4, opt.updates());
      assertArrayEquals(x, m.weightBits());
      opt.train();
      m.steps(opt, grads, 4, 8);
      n.steps(twin, grads, 4, 8);
      assertArrayEquals(n.allBits(twin), m.allBits(opt));
    }
  }

  @Test
  void snapshotAndRestoreRequireTrainMode() {
    ScheduleFreeOptimizer opt = ScheduleFreeSgd.builder().schedule(WARMUP).build();
    try (Model m = new Model(11, 12)) {
      m.steps(opt, randomGrads(45, 3, 1.0), 0, 3);
      try (OptimizerState state = opt.snapshot()) {
        opt.eval();
        IllegalStateException snap = assertThrows(IllegalStateException.class, opt::snapshot);
        assertTrue(snap.getMessage().startsWith("snapshot() in eval mode"), snap.getMessage());
        IllegalStateException restore = assertThrows(IllegalStateException.class, () -> opt.restore(state));
        assertTrue(restore.getMessage().startsWith("restore() in eval mode"), restore.getMessage());
        opt.train();
        opt.restore(state);
      }
    }
  }

  @Test
  void evalAfterARestoreCannotReachParametersNotUpdatedSince() {
    float[][] grads = randomGrads(46, 4, 1.0);
    ScheduleFreeOptimizer first = ScheduleFreeSgd.builder().schedule(WARMUP).build();
    try (Model m = new Model(13, 14)) {
      m.steps(first, grads, 0, 3);
      ScheduleFreeOptimizer fresh = ScheduleFreeSgd.builder().schedule(WARMUP).build();
      try (OptimizerState state = first.snapshot()) {
        fresh.restore(state);
      }
      IllegalStateException e = assertThrows(IllegalStateException.class, fresh::eval);
      assertTrue(e.getMessage().contains("[a, b]") && e.getMessage().contains("take a training step first"),
          e.getMessage());
      assertFalse(fresh.evalMode());
      m.steps(fresh, grads, 3, 4);
      fresh.eval();
      assertTrue(fresh.evalMode());
    }
  }

  @Test
  void firstStepStartsZAndXAtTheWeights() {
    // constant rate: c = 1 at the first step, so x = z and y = z = w0 - lr·g
    ScheduleFreeOptimizer opt = ScheduleFreeSgd.builder().schedule(Schedules.constant(0.5)).build();
    float[][] grads = randomGrads(47, 1, 1.0);
    try (Model m = new Model(15, 16)) {
      float[] a0 = m.a.toFloatArray();
      m.steps(opt, grads, 0, 1);
      float[] z = opt.buffers("a", 0)[ScheduleFreeOptimizer.Z].toFloatArray();
      float[] x = opt.buffers("a", 0)[ScheduleFreeOptimizer.X].toFloatArray();
      float[] y = m.a.toFloatArray();
      for (int i = 0; i < SIZE; i++) {
        assertEquals(a0[i] - 0.5f * grads[0][i], z[i], 1e-6);
        assertEquals(z[i], x[i], 0);
        assertEquals(z[i], y[i], 1e-6);
      }
      assertEquals(0.25, opt.weightSum(), 0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void aWarmUpFromZeroLeavesTheWeightsAtTheFirstStep(String name, Supplier<ScheduleFreeOptimizer> make) {
    ScheduleFreeOptimizer opt = make.get(); // warmup(...) gives lr 0 at step 0: Σγ² = 0, c = 0
    try (Model m = new Model(17, 18)) {
      int[] before = m.weightBits();
      m.steps(opt, randomGrads(48, 1, 1.0), 0, 1);
      assertArrayEquals(before, m.weightBits());
      assertEquals(0, opt.weightSum());
    }
  }

  @Test
  void recordsStateOfItsKindWithTheSumAndVersion2Bytes() throws IOException {
    ScheduleFreeOptimizer opt = ScheduleFreeAdamW.builder().schedule(WARMUP).build();
    try (Model m = new Model(19, 20)) {
      m.steps(opt, randomGrads(49, 3, 1.0), 0, 3);
      try (OptimizerState state = opt.snapshot()) {
        assertEquals("sf-adamw", state.kind());
        assertEquals(1, state.scalars().length);
        assertEquals(opt.weightSum(), state.scalars()[0]);
        assertEquals(3, opt.buffers("a", 0).length); // z, x, v
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(OptimizerStateTest.bytes(state)));
        in.readUTF();
        assertEquals(2, in.readInt());
        try (OptimizerState renamed = OptimizerState.load(new DataInputStream(new ByteArrayInputStream(
            OptimizerStateTest.bytes(state))), manager).renamed(id -> id + "!")) {
          assertEquals(opt.weightSum(), renamed.scalars()[0]);
        }
      }
    }
    // other kinds keep writing version 1, byte for byte as before
    ScheduledSgd sgd = ScheduledSgd.builder().schedule(WARMUP).momentum(0.9).build();
    try (Model m = new Model(21, 22)) {
      m.steps(sgd, randomGrads(50, 2, 1.0), 0, 2);
      try (OptimizerState state = sgd.snapshot()) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(OptimizerStateTest.bytes(state)));
        in.readUTF();
        assertEquals(1, in.readInt());
      }
    }
  }

  @Test
  void restoreRejectsStatesOfOtherKindsOrWithoutTheSum() {
    ScheduleFreeOptimizer sgd = ScheduleFreeSgd.builder().schedule(WARMUP).build();
    ScheduleFreeOptimizer adamw = ScheduleFreeAdamW.builder().schedule(WARMUP).build();
    try (Model m = new Model(23, 24)) {
      m.steps(sgd, randomGrads(51, 2, 1.0), 0, 2);
      try (OptimizerState state = sgd.snapshot()) {
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> adamw.restore(state));
        assertEquals("state kind (sf-sgd) must match this optimizer's kind (sf-adamw)", kind.getMessage());
      }
      try (OptimizerState bare = new OptimizerState("sf-sgd", 0, new java.util.LinkedHashMap<>())) {
        IllegalArgumentException sum = assertThrows(IllegalArgumentException.class, () -> sgd.restore(bare));
        assertEquals("state optimizer numbers ([]) must be one finite sum of squared learning rates >= 0, as a"
            + " sf-sgd snapshot holds", sum.getMessage());
        assertEquals(2, sgd.updates()); // unchanged
      }
    }
  }

  @Test
  void builderErrorsNameParameterValueAndRule() {
    Map<String, Runnable> cases = Map.of(
        "momentum (1) must be in [0, 1)", () -> ScheduleFreeSgd.builder().momentum(1),
        "beta1 (-0.1) must be in [0, 1)", () -> ScheduleFreeAdamW.builder().beta1(-0.1),
        "beta2 (1) must be in [0, 1)", () -> ScheduleFreeAdamW.builder().beta2(1),
        "epsilon (0) must be finite and > 0", () -> ScheduleFreeAdamW.builder().epsilon(0),
        "weightDecay (-1) must be finite and >= 0",
            () -> ScheduleFreeSgd.builder().schedule(WARMUP).optWeightDecays(-1f).build(),
        "stepOffset (-1) must be >= 0", () -> ScheduleFreeAdamW.builder().optStepOffset(-1));
    for (Map.Entry<String, Runnable> c : cases.entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c.getValue()::run, c.getKey());
      assertEquals(c.getKey(), e.getMessage());
    }
    assertThrows(IllegalStateException.class, () -> ScheduleFreeSgd.builder().build());
    Schedule cycling = Schedule.parse("onecycle(max=0.1, total=100)");
    ScheduleFreeSgd.Builder b = ScheduleFreeSgd.builder().schedule(cycling);
    IllegalArgumentException momentum = assertThrows(IllegalArgumentException.class, b::build);
    assertTrue(momentum.getMessage().startsWith("schedule " + cycling + " cycles momentum"), momentum.getMessage());
    IllegalArgumentException batches = assertThrows(IllegalArgumentException.class,
        () -> ScheduleFreeSgd.builder().schedule(WARMUP).build().recalibrateBatchNorm(null, List.of(), 0));
    assertEquals("maxBatches (0) must be >= 1", batches.getMessage());
  }

  @Test
  void builderCanBeReusedAndReportsItsSchedule() {
    ScheduleFreeSgd.Builder b = ScheduleFreeSgd.builder().schedule(WARMUP).momentum(0.95);
    ScheduleFreeSgd one = b.build();
    ScheduleFreeSgd two = b.build();
    assertEquals(WARMUP, one.schedule());
    assertEquals(WARMUP, two.schedule());
    assertEquals(0.95, two.momentum());
    assertEquals("ScheduleFreeSgd(" + WARMUP + ")", two.toString());
    one.eval(); // one's mode is not two's
    try (Model m = new Model(25, 26)) {
      m.steps(two, randomGrads(52, 1, 1.0), 0, 1);
    }
  }
}
