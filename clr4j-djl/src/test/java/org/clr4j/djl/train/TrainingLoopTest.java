package org.clr4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.clr4j.data.FashionMnist;
import org.clr4j.data.TrainTest;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLoopTest {
  private static TrainTest data;

  @BeforeAll
  static void smallData() {
    TrainTest small = FashionMnist.embeddedSmall();
    data = new TrainTest(small.train().head(640), small.test().head(200));
  }

  private static TrainingConfig config(Path checkpoints) {
    // 640 samples, batch 64: 10 steps per epoch, 3 epochs.
    Schedule schedule = Schedule.parse("onecycle(max=0.05, total=30)");
    return new TrainingConfig("mlp", 64, 3, schedule, OptimizerConfig.defaults("sgd"), 7, Double.NaN, 100,
        checkpoints);
  }

  private static float[] losses(TrainingResult r) {
    float[] l = new float[r.steps().size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = r.steps().loss(i);
    }
    return l;
  }

  @Test
  void theLogFollowsTheScheduleAndEveryEpochIsEvaluated() {
    TrainingResult r = new TrainingLoop(config(null), null).run(data, false);
    assertEquals(30, r.steps().size());
    Schedule s = config(null).schedule();
    for (int i = 0; i < 30; i++) {
      assertEquals(s.valueAt(i), r.steps().lr(i), 0.0);
      assertEquals(s.momentumAt(i), r.steps().momentum(i), 0.0);
    }
    assertEquals(3, r.epochs().size());
    assertEquals(TrainingResult.Status.COMPLETED, r.status());
    // Ten classes: chance is 10%; three short epochs of 1cycle must learn something.
    assertTrue(r.finalAccuracy() > 0.3, "accuracy " + r.finalAccuracy());
    assertTrue(r.steps().loss(29) < r.steps().loss(0));
  }

  @Test
  void memoryStaysFlatNoArrayOutlivesItsStep() {
    try (TrainingSession s = TrainingSession.create("cnn", data.train(), 32,
        OptimizerConfig.defaults("sgd").create(Schedule.parse("onecycle(max=0.05, total=40)"), 0), 1)) {
      int[] order = new org.clr4j.data.EpochOrder(data.train().size(), 1).order(0);
      for (int i = 0; i < 3; i++) {
        s.trainStep(data.train(), order, i * 32, 32);
      }
      s.evaluate(data.test(), 100);
      int afterWarmUp = s.liveArrays();
      for (int i = 3; i < 15; i++) {
        s.trainStep(data.train(), order, i * 32, 32);
      }
      s.evaluate(data.test(), 100);
      assertEquals(afterWarmUp, s.liveArrays(), "arrays held by the model's managers");
    }
  }

  @Test
  void seededRunsAreIdentical() {
    TrainingResult a = new TrainingLoop(config(null), null).run(data, false);
    TrainingResult b = new TrainingLoop(config(null), null).run(data, false);
    assertArrayEquals(losses(a), losses(b));
    assertEquals(a.finalAccuracy(), b.finalAccuracy(), 0.0);
  }

  @Test
  void anInterruptedRunResumesAtTheExactStep(@TempDir Path dir) {
    TrainingResult straight = new TrainingLoop(config(null), null).run(data, false);

    TrainingLoop[] loop = new TrainingLoop[1];
    loop[0] = new TrainingLoop(config(dir), new TrainingListener() {
      @Override
      public void onStep(long step, long totalSteps, double lr, double momentum, double loss) {
        if (step == 16) { // mid-epoch 2, as a SIGINT would
          loop[0].requestStop();
        }
      }
    });
    TrainingResult first = loop[0].run(data, false);
    assertEquals(TrainingResult.Status.INTERRUPTED, first.status());
    assertEquals(17, first.steps().size());
    assertTrue(Files.exists(dir.resolve(Checkpoint.FILE_NAME)));

    TrainingResult resumed = new TrainingLoop(config(dir), null).run(data, true);
    assertEquals(TrainingResult.Status.COMPLETED, resumed.status());
    assertArrayEquals(losses(straight), losses(resumed), "resumed losses must equal the uninterrupted run's");
    for (int i = 0; i < 30; i++) {
      assertEquals(straight.steps().lr(i), resumed.steps().lr(i), 0.0);
    }
    assertEquals(straight.finalAccuracy(), resumed.finalAccuracy(), 0.0);
    assertEquals(3, resumed.epochs().size());
  }

  @Test
  void resumingBeforeTheFirstCheckpointStartsFromTheBeginning(@TempDir Path dir) {
    TrainingResult r = new TrainingLoop(config(dir), null).run(data, true);
    assertEquals(30, r.steps().size());
    assertArrayEquals(losses(new TrainingLoop(config(null), null).run(data, false)), losses(r));
  }

  @Test
  void resumeRefusesACheckpointMadeWithOtherSettings(@TempDir Path dir) {
    new TrainingLoop(config(dir), null).run(data, false);
    TrainingConfig other = config(dir).withSchedule(Schedule.parse("onecycle(max=0.1, total=30)"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TrainingLoop(other, null).run(data, true));
    assertTrue(e.getMessage().contains("was made with schedule="), e.getMessage());
  }

  @Test
  void aDamagedCheckpointIsReportedNotLoaded(@TempDir Path dir) throws Exception {
    new TrainingLoop(config(dir), null).run(data, false);
    Path file = dir.resolve(Checkpoint.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TrainingLoop(config(dir), null).run(data, true));
    assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
  }

  @Test
  void aTargetAccuracyStopsTheRunAndRecordsTimeToAccuracy() {
    TrainingConfig c = config(null);
    TrainingConfig withTarget = new TrainingConfig(c.model(), c.batchSize(), c.epochs(), c.schedule(), c.optimizer(),
        c.seed(), 0.05, c.evalBatchSize(), null);
    TrainingResult r = new TrainingLoop(withTarget, null).run(data, false);
    assertEquals(TrainingResult.Status.TARGET_REACHED, r.status());
    assertEquals(1, r.targetEpoch());
    assertEquals(10, r.steps().size());
    assertTrue(r.targetSeconds() > 0);
  }
}
