package org.clr4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import java.io.StringWriter;
import org.clr4j.djl.ScheduleTracker;
import org.clr4j.djl.Steps;
import org.clr4j.djl.UserModels;
import org.clr4j.djl.optim.ScheduledSgd;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.Test;

/** The recorder inside DJL's own EasyTrain.fit, and the step count helper it relies on. */
class ScheduleRecorderTest {

  @Test
  void recordsTheRateAndMomentumEachStepAppliesUnderEasyTrainFit() throws Exception {
    try (Model model = UserModels.initialized(3); NDManager arrays = model.getNDManager().newSubManager()) {
      ArrayDataset train = UserModels.dataset(arrays, UserModels.data().train(), 64);
      long total = Steps.total(train, 64, 2);
      assertEquals(32, total); // 1,000 samples: 16 batches of 64, the last of 40
      Schedule oneCycle = Schedule.parse("onecycle(max=0.1, total=" + total + ")");
      ScheduledSgd sgd = ScheduledSgd.builder().schedule(oneCycle).momentum(0.9).build();
      ScheduleRecorder recorder = ScheduleRecorder.of(sgd);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd)
          .addTrainingListeners(recorder);
      try (Trainer trainer = model.newTrainer(config)) {
        EasyTrain.fit(trainer, 2, train, null);
      }
      assertEquals(total, recorder.log().size());
      assertEquals(total, sgd.updates());
      for (int i = 0; i < total; i++) {
        assertEquals(oneCycle.valueAt(i), recorder.log().lr(i), 0.0, "lr at step " + i);
        assertEquals(oneCycle.momentumAt(i), recorder.log().momentum(i), 0.0, "momentum at step " + i);
        assertTrue(Float.isFinite(recorder.log().loss(i)));
      }
      StringWriter csv = new StringWriter();
      recorder.writeCsv(csv);
      assertEquals(total + 1, csv.toString().lines().count());
    }
  }

  @Test
  void countsBatchesForDjlsOwnOptimizersWithATracker() throws Exception {
    Schedule cyclic = Schedule.parse("triangular(base=0.001, max=0.01, up=4)");
    try (Model model = UserModels.initialized(3); NDManager arrays = model.getNDManager().newSubManager()) {
      ArrayDataset train = UserModels.dataset(arrays, UserModels.data().train(), 100);
      ScheduleRecorder recorder = ScheduleRecorder.of(cyclic);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(new ScheduleTracker(cyclic)).build())
          .addTrainingListeners(recorder);
      try (Trainer trainer = model.newTrainer(config)) {
        EasyTrain.fit(trainer, 1, train, null);
      }
      assertEquals(10, recorder.log().size());
      assertEquals(cyclic.valueAt(4), recorder.log().lr(4), 0.0);
    }
  }

  @Test
  void stepCountsRejectBadInput() {
    assertEquals(79, Steps.perEpoch(10_000, 128));
    assertEquals(158, Steps.total(10_000, 128, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Steps.perEpoch(10, 0));
    assertTrue(e.getMessage().startsWith("batchSize (0)"), e.getMessage());
    assertThrows(ArithmeticException.class, () -> Steps.total(Long.MAX_VALUE, 1, 2));
  }
}
