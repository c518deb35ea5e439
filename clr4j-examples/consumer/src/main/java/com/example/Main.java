package com.example;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import org.clr4j.djl.Steps;
import org.clr4j.djl.optim.ScheduledSgd;
import org.clr4j.djl.rangetest.DjlRangeTest;
import org.clr4j.djl.train.ScheduleRecorder;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.schedule.Schedule;

/** A user's own model and data (three Gaussian blobs): range test, 1cycle, EasyTrain.fit. */
public final class Main {
  public static void main(String[] args) throws Exception {
    Engine.getInstance().setRandomSeed(1);
    try (Model model = Model.newInstance("blobs"); NDManager m = model.getNDManager().newSubManager()) {
      model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(32).build())
          .add(BatchNorm.builder().build()).add(Activation::relu).add(Linear.builder().setUnits(3).build()));
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 2));
      ArrayDataset trainSet = blobs(m, 3000, 64, true);
      ArrayDataset testSet = blobs(m, 600, 64, false);
      Loss loss = Loss.softmaxCrossEntropyLoss();

      RangeTestResult found = DjlRangeTest.builder(model, loss).build().run(trainSet);
      Schedule oneCycle = found.suggestion().bounds().oneCycle(Steps.total(trainSet, 64, 3));
      ScheduledSgd sgd = ScheduledSgd.builder().schedule(oneCycle).momentum(0.9).build();
      ScheduleRecorder recorder = ScheduleRecorder.of(sgd);
      DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(sgd)
          .addEvaluator(new Accuracy()).addTrainingListeners(TrainingListener.Defaults.basic())
          .addTrainingListeners(recorder);
      try (Trainer trainer = model.newTrainer(config)) {
        EasyTrain.fit(trainer, 3, trainSet, testSet);
        System.out.println("range test: " + found.suggestion());
        System.out.println("schedule: " + oneCycle + ", " + recorder.log().size() + " steps recorded");
        System.out.printf("test accuracy: %.4f%n", trainer.getTrainingResult().getValidateEvaluation("Accuracy"));
      }
    }
  }

  /** {@code n} points around three centres, labelled by centre. */
  static ArrayDataset blobs(NDManager m, int n, int batch, boolean shuffle) {
    NDArray labels = m.randomInteger(0, 3, new Shape(n), DataType.INT64);
    NDArray centres = m.create(new float[] {0, 0, 3, 0, 0, 3}, new Shape(3, 2));
    NDArray x = centres.get(labels).add(m.randomNormal(new Shape(n, 2)));
    return new ArrayDataset.Builder().setData(x).optLabels(labels.toType(DataType.FLOAT32, false))
        .setSampling(batch, shuffle).build();
  }
}
