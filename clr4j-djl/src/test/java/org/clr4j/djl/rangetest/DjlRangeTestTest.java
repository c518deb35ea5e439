package org.clr4j.djl.rangetest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.clr4j.djl.Batches;
import org.clr4j.djl.LossStep;
import org.clr4j.djl.ParameterSnapshot;
import org.clr4j.djl.UserModels;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.djl.optim.ScheduledOptimizer;
import org.clr4j.rangetest.RangePoint;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestRepeats;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.rangetest.RepeatedSuggestion;
import org.clr4j.rangetest.StopReason;
import org.clr4j.rangetest.SuggestionMethod;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.Test;

/** The range test on a model of the user's own (an MLP with batch norm), with the user's trainer and datasets. */
class DjlRangeTestTest {
  private static final RangeTest TEST = RangeTest.builder().startLr(1e-4).endLr(10).steps(30).evalEvery(3).build();
  private static final RangeTest NO_EVAL = RangeTest.builder().startLr(1e-4).endLr(10).steps(30).build();

  /** The user's own training: a trainer with a scheduled SGD, stepping through {@code data} in order. */
  private static final class UserTraining implements AutoCloseable {
    final Model model = UserModels.initialized(11);
    final NDManager arrays = model.getNDManager().newSubManager();
    final ArrayDataset train = UserModels.dataset(arrays, UserModels.data().train(), 32);
    final ArrayDataset validation = UserModels.dataset(arrays, UserModels.data().test(), 100);
    final ScheduledOptimizer optimizer = OptimizerConfig.defaults(OptimizerKind.SGD)
        .create(Schedule.parse("triangular(base=0.01, max=0.1, up=5, momentum=0.8:0.95)"), 0);
    final Trainer trainer;
    final Iterator<Batch> batches;

    UserTraining() throws Exception {
      trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer));
      batches = trainer.iterateDataset(train).iterator();
    }

    float[] steps(int n) {
      float[] losses = new float[n];
      for (int i = 0; i < n; i++) {
        try (Batch b = batches.next()) {
          losses[i] = (float) Batches.trainStep(trainer, b, LossStep.DEFAULT);
        }
      }
      return losses;
    }

    byte[] optimizerState() throws Exception {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      optimizer.save(new DataOutputStream(bytes));
      return bytes.toByteArray();
    }

    @Override
    public void close() {
      trainer.close();
      model.close();
    }
  }

  @Test
  void restoresParametersAndLeavesTheUsersOptimizerUntouchedSoTrainingContinuesAsWithoutTheTest() throws Exception {
    float[] without;
    try (UserTraining u = new UserTraining()) {
      u.steps(3);
      without = u.steps(5);
    }
    try (UserTraining u = new UserTraining()) {
      u.steps(3);
      byte[] stateBefore = u.optimizerState();
      try (ParameterSnapshot before = ParameterSnapshot.of(u.model)) {
        RangeTestResult r = DjlRangeTest.builder(u.trainer).optRangeTest(TEST).optValidation(u.validation).build()
            .run(u.train);
        assertTrue(r.points().size() >= 10, r.points().size() + " points");
        assertTrue(r.points().get(0).hasAccuracy(), "the validation set was evaluated");
        try (ParameterSnapshot after = ParameterSnapshot.of(u.model)) {
          assertTrue(before.bitwiseEquals(after), "parameters (batch-norm statistics included) changed");
        }
      }
      assertArrayEquals(stateBefore, u.optimizerState(), "the user's optimizer state changed");
      assertArrayEquals(without, u.steps(5), "training after the test must be bit for bit what it was without");
    }
  }

  @Test
  void aCustomStepComputesTheLossAndTheModelIsStillRestored() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    // A custom loss: cross-entropy plus an L2 penalty on the logits.
    LossStep custom = (trainer, data, labels) -> {
      calls.incrementAndGet();
      NDArray logits = trainer.forward(data, labels).singletonOrThrow();
      return Loss.softmaxCrossEntropyLoss().evaluate(labels, new ai.djl.ndarray.NDList(logits))
          .add(logits.square().mean().mul(1e-3f));
    };
    try (UserTraining u = new UserTraining(); ParameterSnapshot before = ParameterSnapshot.of(u.model)) {
      RangeTestResult r = DjlRangeTest.builder(u.model, Loss.softmaxCrossEntropyLoss()).optStep(custom)
          .optRangeTest(NO_EVAL).build().run(u.train);
      assertEquals(r.points().size(), calls.get(), "one custom step per recorded point");
      try (ParameterSnapshot after = ParameterSnapshot.of(u.model)) {
        assertTrue(before.bitwiseEquals(after));
      }
    }
  }

  @Test
  void restoresAlsoWhenAStepThrows() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    LossStep failing = (trainer, data, labels) -> {
      if (calls.incrementAndGet() == 6) {
        throw new IllegalStateException("step failed on purpose");
      }
      return LossStep.DEFAULT.loss(trainer, data, labels);
    };
    try (UserTraining u = new UserTraining()) {
      u.steps(2);
      try (ParameterSnapshot before = ParameterSnapshot.of(u.model)) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> DjlRangeTest.builder(u.trainer).optStep(failing).optRangeTest(NO_EVAL).build().run(u.train));
        assertEquals("step failed on purpose", e.getMessage());
        try (ParameterSnapshot after = ParameterSnapshot.of(u.model)) {
          assertTrue(before.bitwiseEquals(after));
        }
      }
    }
  }

  @Test
  void aDivergingTestStopsAndRestores() throws Exception {
    RangeTest wild = RangeTest.builder().startLr(1).endLr(1e6).steps(40).build();
    try (UserTraining u = new UserTraining(); ParameterSnapshot before = ParameterSnapshot.of(u.model)) {
      RangeTestResult r = DjlRangeTest.builder(u.trainer).optRangeTest(wild).build().run(u.train);
      assertTrue(r.stopReason() != StopReason.COMPLETED, "stopped: " + r.stopReason());
      try (ParameterSnapshot after = ParameterSnapshot.of(u.model)) {
        assertTrue(before.bitwiseEquals(after));
      }
    }
  }

  @Test
  void cyclesThroughASmallDatasetAndSuggestsBoundsInsideTheRange() throws Exception {
    RangeTest test = RangeTest.builder().startLr(1e-4).endLr(10).steps(60).evalEvery(5).build();
    try (UserTraining u = new UserTraining()) {
      // 1,000 samples in batches of 32: 32 batches, so 60 steps go through the data twice.
      RangeTestResult r = DjlRangeTest.builder(u.trainer).optRangeTest(test).optValidation(u.validation)
          .optOptimizer(OptimizerConfig.defaults(OptimizerKind.ADAM)).build().run(u.train);
      assertTrue(r.points().size() > 32, r.points().size() + " points");
      double lower = r.suggestion().lower();
      double upper = r.suggestion().upper();
      assertTrue(lower >= 1e-4 && upper <= 10 && lower <= upper, r.suggestion().toString());
      assertTrue(r.suggestions().containsKey(SuggestionMethod.ACCURACY) || r.failures().containsKey(
          SuggestionMethod.ACCURACY));
    }
  }

  /** The first 1,000 training samples in reverse order: the same data, another order. */
  private static ArrayDataset reversed(NDManager manager) {
    org.clr4j.data.Dataset train = UserModels.data().train();
    int n = train.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = n - 1 - i;
    }
    float[] x = new float[n * train.featureCount()];
    int[] y = new int[n];
    train.gather(order, 0, n, x, y);
    return UserModels.dataset(manager, new org.clr4j.data.Dataset("reversed", "test", x, y, train.sampleShape(),
        train.numClasses()), 32);
  }

  @Test
  void repeatsStartFromTheSameModelAndLeaveItAndTheUsersOptimizerAsTheyWere() throws Exception {
    float[] without;
    try (UserTraining u = new UserTraining()) {
      u.steps(3);
      without = u.steps(5);
    }
    try (UserTraining u = new UserTraining()) {
      u.steps(3);
      byte[] stateBefore = u.optimizerState();
      ArrayDataset other = reversed(u.arrays);
      List<String> events = new ArrayList<>();
      RangeTest.Listener listener = new RangeTest.Listener() {
        @Override
        public void onStep(RangePoint point, int steps) {
          events.add("step");
        }

        @Override
        public void onRepeat(int repeat, int repeats) {
          events.add("repeat " + repeat + "/" + repeats);
        }
      };
      try (ParameterSnapshot before = ParameterSnapshot.of(u.model)) {
        RangeTestRepeats r = DjlRangeTest.builder(u.trainer).optRangeTest(NO_EVAL).optListener(listener).build()
            .runRepeats(3, repeat -> repeat == 1 ? other : u.train);
        assertEquals(3, r.count());
        // Repeats 1 and 3 see the same batches: from the same start, with a fresh optimizer, the same points bit for
        // bit. Repeat 2 sees another order.
        assertEquals(r.repeats().get(0).points(), r.repeats().get(2).points());
        assertNotEquals(r.repeats().get(0).points().get(0).loss(), r.repeats().get(1).points().get(0).loss());
        assertEquals("repeat 0/3", events.get(0));
        assertEquals(3 + r.repeats().stream().mapToInt(x -> x.points().size()).sum(), events.size());
        assertTrue(events.contains("repeat 2/3"), events.toString());
        RepeatedSuggestion s = r.suggestions().values().iterator().next();
        assertTrue(s.lower() <= s.upper(), s.toString());
        try (ParameterSnapshot after = ParameterSnapshot.of(u.model)) {
          assertTrue(before.bitwiseEquals(after), "parameters (batch-norm statistics included) changed");
        }
      }
      assertArrayEquals(stateBefore, u.optimizerState(), "the user's optimizer state changed");
      assertArrayEquals(without, u.steps(5), "training after the repeats must be bit for bit what it was without");
    }
  }

  @Test
  void aRepeatThatThrowsStillLeavesTheModelAsItWas() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    LossStep failing = (trainer, data, labels) -> {
      if (calls.incrementAndGet() == NO_EVAL.steps() + 4) {
        throw new IllegalStateException("step failed on purpose");
      }
      return LossStep.DEFAULT.loss(trainer, data, labels);
    };
    RangeTest full = RangeTest.builder().startLr(1e-4).endLr(1e-2).steps(30).build();
    try (UserTraining u = new UserTraining(); ParameterSnapshot before = ParameterSnapshot.of(u.model)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> DjlRangeTest.builder(u.trainer)
          .optStep(failing).optRangeTest(full).build().runRepeats(3, u.train));
      assertEquals("step failed on purpose", e.getMessage());
      try (ParameterSnapshot after = ParameterSnapshot.of(u.model)) {
        assertTrue(before.bitwiseEquals(after));
      }
    }
  }

  @Test
  void repeatsRefuseBadArgumentsNamingThem() throws Exception {
    try (UserTraining u = new UserTraining()) {
      DjlRangeTest t = DjlRangeTest.builder(u.trainer).optRangeTest(NO_EVAL).build();
      assertEquals("repeats (0) must be >= 1", assertThrows(IllegalArgumentException.class,
          () -> t.runRepeats(0, u.train)).getMessage());
      assertEquals("train must not be null", assertThrows(IllegalArgumentException.class,
          () -> t.runRepeats(2, (ArrayDataset) null)).getMessage());
      assertEquals("trainOfRepeat returned null for repeat 0", assertThrows(IllegalArgumentException.class,
          () -> t.runRepeats(2, r -> null)).getMessage());
    }
  }

  @Test
  void anEmptyDatasetIsAClearError() throws Exception {
    try (UserTraining u = new UserTraining()) {
      ArrayDataset empty = new ArrayDataset.Builder()
          .setData(u.arrays.zeros(new ai.djl.ndarray.types.Shape(0, 1, 28, 28)))
          .optLabels(u.arrays.zeros(new ai.djl.ndarray.types.Shape(0), ai.djl.ndarray.types.DataType.INT64))
          .setSampling(32, false).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DjlRangeTest.builder(u.trainer).optRangeTest(NO_EVAL).build().run(empty));
      assertTrue(e.getMessage().contains("yielded no batch"), e.getMessage());
    }
  }
}
