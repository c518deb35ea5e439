package org.clr4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.clr4j.djl.UserModels;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on a model of the user's own (an MLP with batch norm) and DJL datasets. */
class TrainingLoopTest {
  private static final Schedule ONE_CYCLE = Schedule.parse("onecycle(max=0.05, total=48)");

  private static TrainingConfig config(Path checkpoints) {
    // 1,000 samples, batch 64: 16 steps per epoch (the last of 40), 3 epochs.
    return TrainingConfig.builder(ONE_CYCLE).batchSize(64).epochs(3).seed(7).optCheckpointDir(checkpoints).build();
  }

  /** Trains a fresh, uninitialized user model (the loop initializes it from the seed). */
  private static TrainingResult train(TrainingConfig config, TrainingLoop.Resume resume,
      Consumer<TrainingLoop.Builder> options) {
    try (Model model = Model.newInstance("user-mlp", "PyTorch");
        NDManager arrays = model.getNDManager().newSubManager()) {
      model.setBlock(UserModels.block());
      ArrayDataset train = UserModels.dataset(arrays, UserModels.data().train(), 64);
      ArrayDataset test = UserModels.dataset(arrays, UserModels.data().test(), 100);
      TrainingLoop.Builder b = TrainingLoop.builder(model, Loss.softmaxCrossEntropyLoss(), config)
          .optInitialize(new Shape(1, 1, 28, 28));
      if (options != null) {
        options.accept(b);
      }
      return b.build().run(train, test, resume);
    }
  }


  @Test
  void theLogFollowsTheScheduleAndEveryEpochIsEvaluated() {
    TrainingResult r = train(config(null), TrainingLoop.Resume.NO, null);
    assertEquals(48, r.steps().size());
    for (int i = 0; i < 48; i++) {
      assertEquals(ONE_CYCLE.valueAt(i), r.steps().lr(i), 0.0);
      assertEquals(ONE_CYCLE.momentumAt(i), r.steps().momentum(i), 0.0);
    }
    assertEquals(40, r.steps().samples(15, 16), "the last batch of an epoch holds the rest");
    assertEquals(3, r.epochs().size());
    assertEquals(TrainingResult.Status.COMPLETED, r.status());
    assertTrue(r.finalAccuracy() > 0.5, "accuracy " + r.finalAccuracy()); // ten classes: chance is 10%
  }

  @Test
  void seededRunsAreIdentical() {
    TrainingResult a = train(config(null), TrainingLoop.Resume.NO, null);
    TrainingResult b = train(config(null), TrainingLoop.Resume.NO, null);
    assertArrayEquals(a.steps().losses(), b.steps().losses());
    assertEquals(a.finalAccuracy(), b.finalAccuracy(), 0.0);
  }

  /** Batches prepared ahead on another thread are the same batches: every loss and accuracy equal, bit for bit. */
  @Test
  void prefetchingChangesNoNumber() {
    TrainingResult plain = train(config(null), TrainingLoop.Resume.NO, null);
    TrainingResult prefetched = train(config(null), TrainingLoop.Resume.NO, b -> b.optPrefetch(true));
    assertArrayEquals(plain.steps().losses(), prefetched.steps().losses());
    for (int e = 0; e < 3; e++) {
      assertEquals(plain.epochs().get(e).testAccuracy(), prefetched.epochs().get(e).testAccuracy(), 0.0);
    }
  }

  /** A run stopped at its target mid-way, with batches still being prepared, ends cleanly. */
  @Test
  void aPrefetchingRunStopsAtItsTarget() {
    TrainingConfig c = TrainingConfig.builder(ONE_CYCLE).batchSize(64).epochs(3).seed(7).optTargetAccuracy(0.1).build();
    TrainingResult r = train(c, TrainingLoop.Resume.NO, b -> b.optPrefetch(true));
    assertEquals(TrainingResult.Status.TARGET_REACHED, r.status());
    assertEquals(1, r.targetEpoch());
    assertEquals(16, r.steps().size());
  }

  @Test
  void anInterruptedRunResumesAtTheExactStep(@TempDir Path dir) {
    TrainingResult straight = train(config(null), TrainingLoop.Resume.NO, null);
    TrainingLoop[] loop = new TrainingLoop[1];
    TrainingResult first;
    try (Model model = Model.newInstance("user-mlp", "PyTorch");
        NDManager arrays = model.getNDManager().newSubManager()) {
      model.setBlock(UserModels.block());
      loop[0] = TrainingLoop.builder(model, Loss.softmaxCrossEntropyLoss(), config(dir))
          .optInitialize(new Shape(1, 1, 28, 28))
          .optListener(new TrainingLoop.Listener() {
            @Override
            public void onStep(long step, long totalSteps, double lr, double momentum, double loss) {
              if (step == 20) { // mid-epoch 2, as a signal handler would
                loop[0].requestStop();
              }
            }
          }).build();
      first = loop[0].run(UserModels.dataset(arrays, UserModels.data().train(), 64),
          UserModels.dataset(arrays, UserModels.data().test(), 100), TrainingLoop.Resume.NO);
    }
    assertEquals(TrainingResult.Status.INTERRUPTED, first.status());
    assertEquals(21, first.steps().size());
    assertTrue(Files.exists(TrainingLoop.checkpointFile(dir)));

    TrainingResult resumed = train(config(dir), TrainingLoop.Resume.REQUIRED, null);
    assertEquals(21, resumed.resumedAt());
    assertEquals(TrainingResult.Status.COMPLETED, resumed.status());
    assertArrayEquals(straight.steps().losses(), resumed.steps().losses(),
        "resumed losses must equal the uninterrupted run's");
    assertEquals(straight.finalAccuracy(), resumed.finalAccuracy(), 0.0);
    assertEquals(3, resumed.epochs().size());
  }

  /**
   * Schedule-Free SGD in the loop: each epoch is evaluated at its average x with batch norm re-estimated there, and
   * training goes on from y, so an interrupted run still resumes to the uninterrupted run's every loss and accuracy.
   */
  @Test
  void aScheduleFreeRunTrainsAndResumesExactly(@TempDir Path dir) {
    TrainingConfig sf = TrainingConfig.builder(Schedule.parse("warmup(steps=8, then=constant(lr=0.5))"))
        .optimizer(OptimizerConfig.defaults(OptimizerKind.SF_SGD)).batchSize(64).epochs(3).seed(7).build();
    TrainingResult straight = train(sf, TrainingLoop.Resume.NO, null);
    assertTrue(straight.finalAccuracy() > 0.5, "accuracy " + straight.finalAccuracy());
    TrainingConfig withDir = TrainingConfig.builder(sf.schedule()).optimizer(sf.optimizer()).batchSize(64).epochs(3)
        .seed(7).optCheckpointDir(dir).build();
    TrainingLoop[] loop = new TrainingLoop[1];
    try (Model model = Model.newInstance("user-mlp", "PyTorch");
        NDManager arrays = model.getNDManager().newSubManager()) {
      model.setBlock(UserModels.block());
      loop[0] = TrainingLoop.builder(model, Loss.softmaxCrossEntropyLoss(), withDir)
          .optInitialize(new Shape(1, 1, 28, 28))
          .optListener(new TrainingLoop.Listener() {
            @Override
            public void onStep(long step, long totalSteps, double lr, double momentum, double loss) {
              if (step == 20) {
                loop[0].requestStop();
              }
            }
          }).build();
      loop[0].run(UserModels.dataset(arrays, UserModels.data().train(), 64),
          UserModels.dataset(arrays, UserModels.data().test(), 100), TrainingLoop.Resume.NO);
    }
    TrainingResult resumed = train(withDir, TrainingLoop.Resume.REQUIRED, null);
    assertEquals(21, resumed.resumedAt());
    assertArrayEquals(straight.steps().losses(), resumed.steps().losses());
    for (int e = 0; e < 3; e++) {
      assertEquals(straight.epochs().get(e).testAccuracy(), resumed.epochs().get(e).testAccuracy(), 0.0);
      assertEquals(straight.epochs().get(e).testLoss(), resumed.epochs().get(e).testLoss(), 0.0);
    }
  }

  @Test
  void requiredResumeWithoutACheckpointIsRefused(@TempDir Path dir) {
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> train(config(dir), TrainingLoop.Resume.REQUIRED, null));
    assertTrue(e.getMessage().startsWith("no checkpoint to resume"), e.getMessage());
    TrainingResult r = train(config(dir), TrainingLoop.Resume.IF_PRESENT, null);
    assertEquals(-1, r.resumedAt());
    assertEquals(48, r.steps().size());
  }

  @Test
  void resumeRefusesACheckpointOfAnotherScheduleModelOrData(@TempDir Path dir) {
    train(config(dir), TrainingLoop.Resume.NO, null);
    CheckpointException.Mismatch schedule = assertThrows(CheckpointException.Mismatch.class,
        () -> train(config(dir).withSchedule(Schedule.parse("onecycle(max=0.1, total=48)")),
            TrainingLoop.Resume.REQUIRED, null));
    assertEquals("schedule", schedule.key());
    assertTrue(schedule.getMessage().contains("was made with schedule=onecycle(max=0.05"), schedule.getMessage());

    CheckpointException.Mismatch data = assertThrows(CheckpointException.Mismatch.class,
        () -> train(config(dir), TrainingLoop.Resume.REQUIRED, b -> b.optIdentity("data", "other.csv")));
    assertEquals("data", data.key());

    // Another network: a wider hidden layer.
    CheckpointException.Mismatch model = assertThrows(CheckpointException.Mismatch.class, () -> {
      try (Model m = Model.newInstance("user-mlp", "PyTorch");
          NDManager arrays = m.getNDManager().newSubManager()) {
        m.setBlock(new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(96).build())
            .add(Activation::relu).add(Linear.builder().setUnits(10).build()));
        TrainingLoop.builder(m, Loss.softmaxCrossEntropyLoss(), config(dir)).optInitialize(new Shape(1, 1, 28, 28))
            .build().run(UserModels.dataset(arrays, UserModels.data().train(), 64),
                UserModels.dataset(arrays, UserModels.data().test(), 100), TrainingLoop.Resume.REQUIRED);
      }
    });
    assertEquals("parameters", model.key());
  }

  @Test
  void aDamagedCheckpointIsReportedNotLoaded(@TempDir Path dir) throws Exception {
    train(config(dir), TrainingLoop.Resume.NO, null);
    Path file = TrainingLoop.checkpointFile(dir);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> train(config(dir), TrainingLoop.Resume.REQUIRED, null));
    assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
  }

  @Test
  void aTargetAccuracyStopsTheRunAndRecordsTimeToAccuracy() {
    TrainingResult r = train(config(null).withTargetAccuracy(0.05), TrainingLoop.Resume.NO, null);
    assertEquals(TrainingResult.Status.TARGET_REACHED, r.status());
    assertEquals(1, r.targetEpoch());
    assertEquals(16, r.steps().size());
    assertTrue(r.targetSeconds() > 0);
  }

  @Test
  void aDivergingRunEndsWithTheStepAndRate() {
    TrainingConfig wild = TrainingConfig.builder(Schedule.parse("constant(lr=1e30)")).batchSize(64).epochs(1)
        .optimizer(OptimizerConfig.defaults(OptimizerKind.SGD)).build();
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> train(wild, TrainingLoop.Resume.NO, null));
    assertEquals(1e30, e.lr(), 0.0);
    assertTrue(e.getMessage().startsWith("training diverged"), e.getMessage());
  }

  @Test
  void aBatchLargerThanTheDataTrainsOnTheWholeSetEachStep() {
    TrainingResult r = train(TrainingConfig.builder(ONE_CYCLE).batchSize(Integer.MAX_VALUE).epochs(2).build(),
        TrainingLoop.Resume.NO, null);
    assertEquals(2, r.steps().size());
    assertEquals(1000, r.steps().samples(0, 1));
  }

  static {
    Engine.getEngine("PyTorch"); // load the engine once, outside the timed tests
  }
}
