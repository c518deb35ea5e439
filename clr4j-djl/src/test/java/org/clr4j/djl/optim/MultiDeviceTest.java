package org.clr4j.djl.optim;

import static org.clr4j.djl.optim.OptimTesting.SHAPE;
import static org.clr4j.djl.optim.OptimTesting.SIZE;
import static org.clr4j.djl.optim.OptimTesting.bitsOf;
import static org.clr4j.djl.optim.OptimTesting.randomFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.translate.Batchifier;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

/**
 * Several devices. DJL's PyTorch engine has one CPU device ({@link #djlHasOneCpuDevice}), so a trainer cannot
 * spread a batch over several CPU devices; these tests drive the optimizer as DJL's parameter server does for
 * several devices ({@link #serverUpdate}), with CPU arrays standing for the copies on each device. A trainer on two
 * GPUs is tested where there are two.
 */
class MultiDeviceTest {

  static final int STEPS = 8;
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
            ScheduledSgd.builder().schedule(CYCLIC).momentum(0.9).nesterov(true).optWeightDecays(1e-3f).optClipGrad(1.5f)
                .build()),
        Arguments.of("plain sgd", (Supplier<ScheduledOptimizer>) () ->
            ScheduledSgd.builder().schedule(Schedules.cyclic(CyclicPolicy.TRIANGULAR).baseLr(0.01).maxLr(0.1)
                .stepSizeUp(3).build()).build()),
        Arguments.of("adam", (Supplier<ScheduledOptimizer>) () ->
            ScheduledAdam.builder().schedule(CYCLIC).optWeightDecays(1e-2f).build()),
        Arguments.of("adamw", (Supplier<ScheduledOptimizer>) () ->
            ScheduledAdamW.builder().schedule(CYCLIC).optClipGrad(1.5f).build()));
  }

  /**
   * What DJL 0.36's {@code LocalParameterServer.update(parameterId, grads, params)} does with one copy of a
   * parameter per device: it sums the copies' gradients on the first copy's device, then updates every copy, the
   * first first, with the sum (moved to the copy's device), through the same parameter id.
   */
  static void serverUpdate(ScheduledOptimizer opt, String id, NDArray[] grads, NDArray[] params) {
    Device first = params[0].getDevice();
    for (int i = 1; i < grads.length; i++) {
      try (NDArray g = grads[i].toDevice(first, true)) {
        grads[0].addi(g);
      }
    }
    try (NDArray sum = grads[0].duplicate()) {
      for (NDArray w : params) {
        if (w.getDevice().equals(first)) {
          opt.update(id, w, sum);
        } else {
          try (NDArray moved = sum.toDevice(w.getDevice(), true)) {
            opt.update(id, w, moved);
          }
        }
      }
    }
  }

  /** Parameters "a" and "b", each with one copy per "device" (CPU arrays), updated as DJL's parameter server does. */
  static final class Replicas implements AutoCloseable {
    final NDManager sub = manager.newSubManager();
    final NDArray[] a;
    final NDArray[] b;

    Replicas(int devices, float[] a0, float[] b0) {
      a = new NDArray[devices];
      b = new NDArray[devices];
      for (int k = 0; k < devices; k++) {
        a[k] = sub.create(a0, SHAPE);
        b[k] = sub.create(b0, SHAPE);
      }
    }

    /** Steps {@code from} to {@code to}; {@code grads[t][k]} is device k's gradient of "a" at step t ("b": its negation). */
    void steps(ScheduledOptimizer opt, float[][][] grads, int from, int to) {
      int devices = a.length;
      for (int t = from; t < to; t++) {
        NDArray[] ga = new NDArray[devices];
        NDArray[] gb = new NDArray[devices];
        try {
          for (int k = 0; k < devices; k++) {
            ga[k] = sub.create(grads[t][k], SHAPE);
            gb[k] = ga[k].neg();
          }
          serverUpdate(opt, "a", ga, a);
          serverUpdate(opt, "b", gb, b);
        } finally {
          for (int k = 0; k < devices; k++) {
            ga[k].close();
            gb[k].close();
          }
        }
      }
    }

    void setWeights(float[] a0, float[] b0) {
      for (int k = 0; k < a.length; k++) {
        a[k].set(a0);
        b[k].set(b0);
      }
    }

    /** The bits of copy {@code k} of "a" then "b". */
    int[] bits(int k) {
      return bitsOf(a[k], b[k]);
    }

    @Override
    public void close() {
      sub.close();
    }
  }

  /** {@code [t][k]}: device k's gradient at step t. */
  static float[][][] perDeviceGrads(long seed, int steps, int devices) {
    Random random = new Random(seed);
    float[][][] out = new float[steps][devices][];
    for (int t = 0; t < steps; t++) {
      for (int k = 0; k < devices; k++) {
        out[t][k] = randomFloats(random, SIZE, 1.0);
      }
    }
    return out;
  }

  /** The gradients one device gets for the same steps: the devices' sum, as float32 addition gives it. */
  static float[][][] summed(float[][][] grads) {
    float[][][] out = new float[grads.length][1][SIZE];
    for (int t = 0; t < grads.length; t++) {
      for (float[] g : grads[t]) {
        for (int i = 0; i < SIZE; i++) {
          out[t][0][i] += g[i];
        }
      }
    }
    return out;
  }

  static float[] init(int seed) {
    return randomFloats(new Random(seed), SIZE, 1.0);
  }

  static byte[] saved(ScheduledOptimizer opt) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    opt.save(new DataOutputStream(out));
    return out.toByteArray();
  }

  static void load(ScheduledOptimizer opt, byte[] bytes) throws IOException {
    opt.load(new DataInputStream(new ByteArrayInputStream(bytes)), manager);
  }

  static void assertSameBits(NDArray[] expected, NDArray[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].getShape(), actual[i].getShape(), what);
      assertArrayEquals(
          bitsOf(expected[i]), bitsOf(actual[i]), what + ", buffer " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void twoCopiesStayEqualAndMatchOneDeviceBitForBit(String name, Supplier<ScheduledOptimizer> make)
      throws IOException {
    float[][][] grads = perDeviceGrads(41, STEPS, 2);
    ScheduledOptimizer two = make.get();
    ScheduledOptimizer one = make.get();
    try (Replicas r2 = new Replicas(2, init(1), init(2));
        Replicas r1 = new Replicas(1, init(1), init(2))) {
      int[] start = r2.bits(0);
      r2.steps(two, grads, 0, STEPS);
      r1.steps(one, summed(grads), 0, STEPS);

      assertEquals(STEPS, two.updates(), "one update count per step, not per device");
      assertEquals(STEPS, two.nextStep());
      for (String id : List.of("a", "b")) {
        assertEquals(2, two.copyCount(id));
        for (int k = 0; k < 2; k++) {
          assertEquals(STEPS, two.updateCount(id, k), id + " copy " + k);
        }
        assertSameBits(two.buffers(id, 0), two.buffers(id, 1), id + ": the two copies' states");
        assertSameBits(one.buffers(id, 0), two.buffers(id, 0), id + ": one device against two");
      }
      assertFalse(java.util.Arrays.equals(start, r2.bits(0)), "the weights moved");
      assertArrayEquals(r2.bits(0), r2.bits(1), "the two copies' weights");
      assertArrayEquals(r1.bits(0), r2.bits(0), "one device against two");
      // the same checkpoint whatever the number of devices
      assertArrayEquals(saved(one), saved(two));
    }
  }

  /** An optimizer that records what each update gets: lr, momentum and the copy's count. */
  static final class Recording extends ScheduledOptimizer {
    final List<double[]> calls = new ArrayList<>();

    Recording(Builder builder) {
      super(builder, 0.9);
    }

    @Override
    String kind() {
      return "recording";
    }

    @Override
    int slotCount() {
      return 1;
    }

    @Override
    void apply(NDArray[] slots, long count, NDArray weight, NDArray grad, float lr, double momentum) {
      calls.add(new double[] {lr, momentum, count});
      slots[0].addi(grad);
    }

    static final class Builder extends ScheduledOptimizer.Builder<Builder> {
      @Override
      protected Builder self() {
        return this;
      }
    }
  }

  @Test
  void everyCopyOfAStepGetsTheStepsLrMomentumAndCount() {
    int devices = 3;
    float[][][] grads = perDeviceGrads(42, STEPS, devices);
    Recording opt = new Recording(new Recording.Builder().schedule(CYCLIC).optStepOffset(2));
    try (Replicas r = new Replicas(devices, init(3), init(4))) {
      r.steps(opt, grads, 0, STEPS);
      // all copies summed the same gradients into their buffer
      for (int k = 1; k < devices; k++) {
        assertSameBits(opt.buffers("a", 0), opt.buffers("a", k), "copy " + k);
      }
    }
    assertEquals(STEPS * 2 * devices, opt.calls.size());
    for (int j = 0; j < opt.calls.size(); j++) {
      int t = j / (2 * devices);
      double[] call = opt.calls.get(j);
      assertEquals((float) CYCLIC.valueAt(2 + t), call[0], "lr of update " + j);
      assertEquals(CYCLIC.momentumAt(2 + t), call[1], "momentum of update " + j);
      assertEquals(t + 1, call[2], "count of update " + j);
    }
    assertEquals(STEPS, opt.updates());
    assertEquals(2 + STEPS, opt.nextStep());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void aStateSavedWithTwoDevicesRestoresIntoOne(String name, Supplier<ScheduledOptimizer> make) throws IOException {
    float[][][] grads = perDeviceGrads(43, 2 * STEPS, 2);
    ScheduledOptimizer two = make.get();
    try (Replicas r2 = new Replicas(2, init(5), init(6));
        Replicas r1 = new Replicas(1, init(0), init(0))) {
      r2.steps(two, grads, 0, STEPS);
      byte[] state = saved(two);
      r1.setWeights(r2.a[0].toFloatArray(), r2.b[0].toFloatArray());
      r2.steps(two, grads, STEPS, 2 * STEPS);

      ScheduledOptimizer one = make.get();
      load(one, state);
      assertEquals(STEPS, one.updates());
      r1.steps(one, summed(grads), STEPS, 2 * STEPS);
      assertEquals(2 * STEPS, one.updates());
      assertArrayEquals(r2.bits(0), r1.bits(0));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void aStateSavedWithOneDeviceRestoresIntoTwo(String name, Supplier<ScheduledOptimizer> make) throws IOException {
    float[][][] grads = perDeviceGrads(44, 2 * STEPS, 2);
    float[][][] sums = summed(grads);
    ScheduledOptimizer one = make.get();
    try (Replicas r1 = new Replicas(1, init(7), init(8));
        Replicas fresh = new Replicas(2, init(0), init(0));
        Replicas used = new Replicas(2, init(9), init(10))) {
      r1.steps(one, sums, 0, STEPS);
      byte[] state = saved(one);
      float[] a = r1.a[0].toFloatArray();
      float[] b = r1.b[0].toFloatArray();
      r1.steps(one, sums, STEPS, 2 * STEPS);
      int[] expected = r1.bits(0);

      // into a new optimizer: each copy takes the restored state at its first update
      ScheduledOptimizer restored = make.get();
      load(restored, state);
      fresh.setWeights(a, b);
      fresh.steps(restored, grads, STEPS, 2 * STEPS);
      assertArrayEquals(expected, fresh.bits(0));
      assertArrayEquals(expected, fresh.bits(1));
      assertEquals(2 * STEPS, restored.updates());
      assertEquals(2 * STEPS, restored.updateCount("a", 1));

      // into an optimizer that has two copies already: the state is restored into both
      ScheduledOptimizer other = make.get();
      used.steps(other, grads, 0, 3);
      load(other, state);
      assertEquals(STEPS, other.updates());
      used.setWeights(a, b);
      used.steps(other, grads, STEPS, 2 * STEPS);
      assertEquals(2, other.copyCount("a"));
      assertArrayEquals(expected, used.bits(0));
      assertArrayEquals(expected, used.bits(1));

      // into an optimizer used with one device, then trained with two: the new copy starts from the state too
      ScheduledOptimizer grown = make.get();
      try (Replicas single = new Replicas(1, init(15), init(16))) {
        single.steps(grown, sums, 0, 3);
        load(grown, state);
        used.setWeights(a, b);
        NDArray[] a2 = {single.a[0], used.a[1]};
        NDArray[] b2 = {single.b[0], used.b[1]};
        single.setWeights(a, b);
        for (int t = STEPS; t < 2 * STEPS; t++) {
          try (NDArray g0 = manager.create(grads[t][0], SHAPE);
              NDArray g1 = manager.create(grads[t][1], SHAPE);
              NDArray h0 = g0.neg();
              NDArray h1 = g1.neg()) {
            serverUpdate(grown, "a", new NDArray[] {g0, g1}, a2);
            serverUpdate(grown, "b", new NDArray[] {h0, h1}, b2);
          }
        }
        assertEquals(2, grown.copyCount("a"));
        assertArrayEquals(expected, bitsOf(a2[0], b2[0]));
        assertArrayEquals(expected, bitsOf(a2[1], b2[1]));
      }
    }
  }

  @Test
  void aReplacedWeightArrayGoesOnWithItsCopysState() {
    float[][][] grads = summed(perDeviceGrads(45, STEPS, 1));
    ScheduledOptimizer straight = ScheduledAdam.builder().schedule(CYCLIC).build();
    ScheduledOptimizer replaced = ScheduledAdam.builder().schedule(CYCLIC).build();
    try (Replicas r = new Replicas(1, init(11), init(12));
        Replicas s = new Replicas(1, init(11), init(12))) {
      r.steps(straight, grads, 0, STEPS);
      s.steps(replaced, grads, 0, 3);
      // "a": the old array is closed; "b": it stays open, but the new one comes after the step began ("a" first)
      NDArray oldA = s.a[0];
      NDArray oldB = s.b[0];
      s.a[0] = s.sub.create(oldA.toFloatArray(), SHAPE);
      s.b[0] = s.sub.create(oldB.toFloatArray(), SHAPE);
      oldA.close();
      s.steps(replaced, grads, 3, STEPS);
      assertEquals(1, replaced.copyCount("a"));
      assertEquals(1, replaced.copyCount("b"));
      assertEquals(STEPS, replaced.updateCount("b", 0));
      assertArrayEquals(r.bits(0), s.bits(0));
    }
  }

  @Test
  void aCopyWhoseStateWasClosedIsAClearError() {
    ScheduledSgd sgd = ScheduledSgd.builder().schedule(CYCLIC).momentum(0.9).build();
    float[] w0 = init(13);
    try (NDArray g = manager.create(init(14), SHAPE);
        NDArray w = manager.create(w0, SHAPE)) {
      try (NDManager trainer = manager.newSubManager()) {
        sgd.update("w", trainer.create(w0, SHAPE), g); // state attached to the closed manager
      }
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> sgd.update("w", w, g));
      assertTrue(e.getMessage().contains("parameter w on cpu() was closed with its NDManager"), e.getMessage());
      assertEquals(1, sgd.updates(), "the failed update changed nothing");
      assertArrayEquals(w0, w.toFloatArray());
      assertThrows(IllegalStateException.class, sgd::snapshot);
    }
  }

  /** Why the tests above stand in CPU arrays for devices: DJL has one CPU device, and a trainer rejects duplicates. */
  @Test
  void djlHasOneCpuDevice() {
    assertEquals(Device.cpu(), Device.of("cpu", 1));
    try (Model model = Model.newInstance("linear", "PyTorch")) {
      model.setBlock(Linear.builder().setUnits(1).build());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(ScheduledSgd.builder().schedule(CYCLIC).momentum(0.9).build())
              .optDevices(new Device[] {Device.cpu(), Device.of("cpu", 1)});
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.newTrainer(config));
      assertTrue(e.getMessage().contains("Duplicated devices"), e.getMessage());
    }
  }

  /** A real trainer over two GPUs, where there are two (not on a CPU-only machine). */
  @Test
  void aTrainerOnTwoGpusStepsOnceAndKeepsItsCopiesEqual() {
    assumeTrue(Engine.getEngine("PyTorch").getGpuCount() >= 2, "needs two GPUs");
    trainAndCheck(Device.gpu(0), Device.gpu(1));
  }

  /** The same with one device: what runs where there are no two GPUs. */
  @Test
  void aTrainerOnOneDeviceStepsOnce() {
    trainAndCheck(Engine.getEngine("PyTorch").defaultDevice());
  }

  /** Trains a linear model for 3 steps with EasyTrain.trainBatch and trainer.step() on {@code devices}. */
  static void trainAndCheck(Device... devices) {
    ScheduledAdamW opt = ScheduledAdamW.builder().schedule(CYCLIC).build();
    int steps = 3;
    try (Model model = Model.newInstance("linear", devices[0], "PyTorch")) {
      Linear block = Linear.builder().setUnits(1).build();
      model.setBlock(block);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(opt).optDevices(devices);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(8, 3));
        for (int i = 0; i < steps; i++) {
          NDManager m = trainer.getManager().newSubManager(); // the batch's: closing the batch closes it
          NDArray x = m.arange(24f).reshape(8, 3).div(24f);
          NDArray y = x.sum(new int[] {1}, true).mul(2f).add(1f);
          try (Batch batch =
              new Batch(m, new NDList(x), new NDList(y), 8, Batchifier.STACK, Batchifier.STACK, i, steps)) {
            EasyTrain.trainBatch(trainer, batch);
            trainer.step();
          }
        }
        assertEquals(steps, opt.updates());
        for (Pair<String, Parameter> p : block.getParameters()) {
          String id = p.getValue().getId();
          assertEquals(devices.length, opt.copyCount(id), id);
          NDArray[] first = opt.buffers(id, 0);
          assertEquals(devices[0], first[0].getDevice(), id);
          for (int k = 0; k < devices.length; k++) {
            assertEquals(steps, opt.updateCount(id, k), id + " copy " + k);
          }
          for (int k = 1; k < devices.length; k++) {
            NDArray[] other = opt.buffers(id, k);
            assertEquals(devices[k], other[0].getDevice(), "each copy's state on its device");
            for (int i = 0; i < first.length; i++) {
              try (NDArray moved = other[i].toDevice(first[i].getDevice(), true)) {
                assertArrayEquals(bitsOf(first[i]), bitsOf(moved), id + " copy " + k);
              }
            }
          }
        }
        try (OptimizerState state = opt.snapshot()) {
          assertEquals(steps, state.updates());
          assertEquals(block.getParameters().size(), state.parameterIds().size());
        }
      }
    }
  }
}
