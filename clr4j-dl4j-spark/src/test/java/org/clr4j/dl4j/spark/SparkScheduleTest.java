package org.clr4j.dl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.clr4j.data.Dataset;
import org.clr4j.sampling.EpochOrder;
import org.clr4j.data.FashionMnist;
import org.clr4j.data.TrainTest;
import org.clr4j.dl4j.ClrSchedule;
import org.clr4j.dl4j.SparkSteps;
import org.clr4j.schedule.Schedule;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DL4J on Spark in local mode ({@code local[2]}) with parameter averaging and a clr4j 1cycle schedule: records the
 * rate every worker applied at every step and checks it against the schedule and {@link SparkSteps}.
 */
class SparkScheduleTest {
  private static JavaSparkContext sc;
  private static TrainTest data;

  @TempDir
  static Path exportDir;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("clr4j-dl4j-spark test")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1"));
    data = FashionMnist.embeddedSmall();
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.close();
    }
  }

  @ParameterizedTest(name = "{0} examples, {1} workers, batch {2}, averaging every {3}, {4} epochs")
  @CsvSource({
      "480, 2, 16, 3, 2",  // 30 minibatches = 5 rounds of 2 workers × 3 per epoch: every minibatch is trained on
      "400, 2, 16, 4, 1",  // 25 minibatches: floor(25/8) = 3 rounds, the 25th spread over them
      "480, 1, 16, 3, 1",  // one worker: twice the rounds (and steps) per epoch of two
  })
  void workersApplyTheScheduleAtTheMastersCountPlusTheirLocalStep(int examples, int workers, int batch,
      int averaging, int epochs) {
    long perEpoch = SparkSteps.perEpoch(examples, workers, batch, averaging);
    long total = SparkSteps.total(epochs, examples, workers, batch, averaging);
    Schedule schedule = Schedule.parse("onecycle(max=0.2, total=" + total + ")");
    Dataset train = data.train().head(examples);
    MultiLayerNetwork net = tinyMlp(schedule);
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, batch)
        .batchSizePerWorker(batch).averagingFrequency(averaging).saveUpdater(true).rngSeed(1)
        .exportDirectory(exportDir.resolve(examples + "-" + workers + "-" + averaging).toUri().toString()).build();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
    sparkNet.setListeners(List.of(new RateRecorder()));
    RateRecorder.drain();

    long minibatches = (examples + batch - 1) / batch;
    for (int epoch = 0; epoch < epochs; epoch++) {
      List<DataSet> batches = SparkOneCycleExample.batches(train, batch, new EpochOrder(examples, 3).order(epoch));
      batches.forEach(b -> {
        b.setFeatures(b.getFeatures().castTo(DataType.DOUBLE));
        b.setLabels(b.getLabels().castTo(DataType.DOUBLE));
      });
      sparkNet.fit(sc.parallelize(batches, 2));
      // The master advances by averagingFrequency per round, whatever the workers did.
      assertEquals((epoch + 1) * perEpoch, sparkNet.getNetwork().getIterationCount(), "master's count");
    }
    List<RateRecorder.Step> steps = RateRecorder.drain();

    // At most every minibatch is one worker step (DL4J skips what a task gets beyond averagingFrequency), and
    // each step applied the schedule at the iteration it was told.
    long skipped = minibatches * epochs - steps.size();
    assertTrue(skipped >= 0 && skipped < minibatches, steps.size() + " worker steps of " + minibatches * epochs);
    for (RateRecorder.Step s : steps) {
      double expected = schedule.valueAt(s.iteration());
      assertEquals(expected, s.appliedLr(), 1e-9 * expected, s.toString());
      assertTrue(s.iteration() < total, "the schedule ends with training: " + s);
    }
    // Each worker's steps in a round are the master's count + 0, 1, …: all workers apply the same rates in step.
    Map<Long, List<Integer>> byTask = steps.stream().collect(Collectors.groupingBy(RateRecorder.Step::taskAttempt,
        TreeMap::new, Collectors.mapping(RateRecorder.Step::iteration, Collectors.toList())));
    Map<Integer, Integer> tasksPerRound = new TreeMap<>();
    for (List<Integer> its : byTask.values()) {
      int start = its.get(0);
      assertEquals(0, start % averaging, "a worker starts at the master's count: " + its);
      assertTrue(its.size() <= averaging, "at most averagingFrequency steps between averagings: " + its);
      for (int k = 0; k < its.size(); k++) {
        assertEquals(start + k, its.get(k), "consecutive steps: " + its);
      }
      tasksPerRound.merge(start, 1, Integer::sum);
    }
    assertEquals(epochs * perEpoch / averaging, tasksPerRound.size(), "rounds: " + tasksPerRound);
    System.out.printf("examples %d, workers %d, batch %d, averaging %d, epochs %d: %d steps/epoch, %d worker steps"
        + " (%d minibatches skipped); worker tasks per round (first iteration=tasks) %s; epoch counts seen %s%n",
        examples, workers, batch, averaging, epochs, perEpoch, steps.size(), skipped, tasksPerRound,
        steps.stream().map(RateRecorder.Step::epoch).distinct().sorted().toList());
  }

  @Test
  void exampleTrainsAOneCycleThatEndsWithTheLastEpoch() {
    TrainTest small = new TrainTest(data.train().head(1200), data.test().head(500));
    SparkOneCycleExample.Result r = SparkOneCycleExample.run(sc, small, 3, 2, 30, 5, 0.1);
    assertEquals(r.totalSteps(), r.iterations(), "schedule steps taken");
    assertEquals(60, r.totalSteps()); // 40 minibatches of 30 = 4 rounds of 2 workers × 5, per epoch
    assertTrue(r.accuracy() > 0.6, "test accuracy " + r.accuracy());
    System.out.printf("example: %s, %d steps, accuracy %.3f%n", r.schedule(), r.iterations(), r.accuracy());
  }

  private static MultiLayerNetwork tinyMlp(Schedule schedule) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
        .dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER)
        .updater(new Sgd(ClrSchedule.learningRate(schedule)))
        .list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(16).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(10)
            .activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    return net;
  }
}
