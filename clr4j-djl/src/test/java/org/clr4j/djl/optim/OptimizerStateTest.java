package org.clr4j.djl.optim;

import static org.clr4j.djl.optim.OptimTesting.SHAPE;
import static org.clr4j.djl.optim.OptimTesting.SIZE;
import static org.clr4j.djl.optim.OptimTesting.randomFloats;
import static org.clr4j.djl.optim.OptimTesting.randomGrads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.clr4j.schedule.CyclicPolicy;
import org.clr4j.schedule.Schedule;
import org.clr4j.schedule.Schedules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptimizerStateTest {

  static NDManager manager;
  static final Schedule CYCLIC =
      Schedules.cyclic(CyclicPolicy.TRIANGULAR).baseLr(0.01).maxLr(0.1).stepSizeUp(3).momentum(0.8, 0.95).build();

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
        Arguments.of("sgd", (Supplier<ScheduledOptimizer>) () -> ScheduledSgd.builder().schedule(CYCLIC).momentum(0.9).build()),
        Arguments.of("nesterov", (Supplier<ScheduledOptimizer>) () ->
            ScheduledSgd.builder().schedule(CYCLIC).momentum(0.9).nesterov(true).optWeightDecays(1e-3f).build()),
        Arguments.of("adam", (Supplier<ScheduledOptimizer>) () -> ScheduledAdam.builder().schedule(CYCLIC).build()),
        Arguments.of("adamw", (Supplier<ScheduledOptimizer>) () -> ScheduledAdamW.builder().schedule(CYCLIC).build()));
  }

  /** Two parameters, "a" and "b", updated together for each gradient pair. */
  static final class Model implements AutoCloseable {
    final NDManager sub = manager.newSubManager();
    final NDArray a;
    final NDArray b;

    Model(float[] a0, float[] b0) {
      a = sub.create(a0, SHAPE);
      b = sub.create(b0, SHAPE);
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

    int[] bits() {
      float[] x = a.toFloatArray();
      float[] y = b.toFloatArray();
      int[] out = new int[2 * SIZE];
      for (int i = 0; i < SIZE; i++) {
        out[i] = Float.floatToRawIntBits(x[i]);
        out[SIZE + i] = Float.floatToRawIntBits(y[i]);
      }
      return out;
    }

    @Override
    public void close() {
      sub.close();
    }
  }

  static float[] init(int seed) {
    return randomFloats(new Random(seed), SIZE, 1.0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void restoreThenRedoGivesIdenticalBits(String name, Supplier<ScheduledOptimizer> make) {
    float[][] grads = randomGrads(31, 10, 1.0);
    ScheduledOptimizer opt = make.get();
    try (Model m = new Model(init(1), init(2))) {
      m.steps(opt, grads, 0, 5);
      float[] a5 = m.a.toFloatArray();
      float[] b5 = m.b.toFloatArray();
      try (OptimizerState state = opt.snapshot()) {
        assertEquals(5, state.updates());
        assertEquals(Set.of("a", "b"), state.parameterIds());
        m.steps(opt, grads, 5, 10);
        int[] expected = m.bits();
        assertEquals(10, opt.updates());

        opt.restore(state);
        assertEquals(5, opt.updates());
        assertEquals(5, opt.nextStep());
        m.a.set(a5);
        m.b.set(b5);
        m.steps(opt, grads, 5, 10);
        assertArrayEquals(expected, m.bits());

        // the state is still usable after a restore: rewind a second time
        opt.restore(state);
        m.a.set(a5);
        m.b.set(b5);
        m.steps(opt, grads, 5, 10);
        assertArrayEquals(expected, m.bits());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void saveAndLoadIntoAFreshOptimizerContinuesBitForBit(String name, Supplier<ScheduledOptimizer> make)
      throws IOException {
    float[][] grads = randomGrads(32, 10, 1.0);
    ScheduledOptimizer first = make.get();
    try (Model m = new Model(init(3), init(4));
        Model copy = new Model(init(3), init(4))) {
      m.steps(first, grads, 0, 5);
      copy.steps(make.get(), grads, 0, 5); // same weights; its optimizer is then thrown away
      assertArrayEquals(m.bits(), copy.bits());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      first.save(new DataOutputStream(bytes));

      ScheduledOptimizer second = make.get();
      second.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), manager);
      assertEquals(5, second.updates());
      m.steps(first, grads, 5, 10);
      copy.steps(second, grads, 5, 10);
      assertArrayEquals(m.bits(), copy.bits());
    }
  }

  @Test
  void snapshotIsIndependentOfLaterUpdates() throws IOException {
    float[][] grads = randomGrads(33, 6, 1.0);
    ScheduledOptimizer opt = ScheduledAdam.builder().schedule(CYCLIC).build();
    try (Model m = new Model(init(5), init(6));
        OptimizerState state = snapshotAfter(opt, m, grads, 3)) {
      byte[] before = bytes(state);
      m.steps(opt, grads, 3, 6);
      assertArrayEquals(before, bytes(state));
      try (OptimizerState later = opt.snapshot()) {
        assertFalse(java.util.Arrays.equals(before, bytes(later)));
        assertEquals(6, later.updateCount("a"));
      }
    }
  }

  @Test
  void restoreForgetsParametersTheStateDoesNotHave() {
    float[][] grads = randomGrads(34, 4, 1.0);
    ScheduledSgd opt = ScheduledSgd.builder().schedule(CYCLIC).momentum(0.9).build();
    try (Model m = new Model(init(7), init(8))) {
      OptimizerState empty = opt.snapshot();
      assertTrue(empty.parameterIds().isEmpty());
      m.steps(opt, grads, 0, 4);
      opt.restore(empty);
      assertEquals(0, opt.updates());
      try (OptimizerState after = opt.snapshot()) {
        assertTrue(after.parameterIds().isEmpty());
      }
      empty.close();
      assertThrows(IllegalStateException.class, () -> opt.restore(empty));
    }
  }

  @Test
  void restoreRejectsAnotherKindOfOptimizer() {
    float[][] grads = randomGrads(35, 2, 1.0);
    ScheduledSgd sgd = ScheduledSgd.builder().schedule(CYCLIC).momentum(0.9).build();
    ScheduledSgd plain = ScheduledSgd.builder().schedule(Schedules.constant(0.1)).build();
    ScheduledAdam adam = ScheduledAdam.builder().schedule(CYCLIC).build();
    try (Model m = new Model(init(9), init(10));
        OptimizerState state = snapshotAfter(sgd, m, grads, 2)) {
      IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> adam.restore(state));
      assertEquals("state kind (sgd) must match this optimizer's kind (adam)", kind.getMessage());
      IllegalArgumentException slots = assertThrows(IllegalArgumentException.class, () -> plain.restore(state));
      assertTrue(slots.getMessage().contains("momentum"), slots.getMessage());
    }
  }

  @Test
  void loadRejectsForeignBytes() {
    byte[] junk = "not a state".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThrows(
        IOException.class,
        () -> OptimizerState.load(new DataInputStream(new ByteArrayInputStream(junk)), manager));
  }

  static OptimizerState snapshotAfter(ScheduledOptimizer opt, Model m, float[][] grads, int steps) {
    m.steps(opt, grads, 0, steps);
    return opt.snapshot();
  }

  static byte[] bytes(OptimizerState state) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    state.save(new DataOutputStream(out));
    return out.toByteArray();
  }

}
