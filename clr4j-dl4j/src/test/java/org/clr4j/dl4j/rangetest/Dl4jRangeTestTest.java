package org.clr4j.dl4j.rangetest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.clr4j.data.FashionMnist;
import org.clr4j.data.TrainTest;
import org.clr4j.dl4j.ClrSchedule;
import org.clr4j.dl4j.Dl4jData;
import org.clr4j.dl4j.Nets;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.rangetest.SuggestionMethod;
import org.clr4j.schedule.Schedule;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class Dl4jRangeTestTest {
  private static final Schedule ONE_CYCLE = Schedule.parse("onecycle(max=0.05, total=200, momentum=0.85:0.95)");
  private static final RangeTest TEST = RangeTest.builder().startLr(1e-4).endLr(10).steps(30).evalEvery(3).build();
  private static List<DataSet> train;
  private static List<DataSet> validation;

  @BeforeAll
  static void smallData() {
    TrainTest small = FashionMnist.embeddedSmall();
    train = Dl4jData.batches(small.train().head(2000), 64, 3, 0, DataType.FLOAT);
    validation = Dl4jData.inOrder(small.test().head(300), 100, DataType.FLOAT);
  }

  private static NeuralNetConfiguration.Builder base() {
    return new NeuralNetConfiguration.Builder().seed(11).weightInit(WeightInit.RELU).l2(5e-4)
        .updater(new Nesterovs(ClrSchedule.learningRate(ONE_CYCLE), ClrSchedule.momentum(ONE_CYCLE)));
  }

  /** An MLP with batch norm: 784-256-BN-128-10. */
  static MultiLayerNetwork mlpWithBatchNorm() {
    MultiLayerNetwork net = new MultiLayerNetwork(base().list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().nOut(256).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(256).nOut(128).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10)
            .activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    return net;
  }

  static ComputationGraph graphWithBatchNorm() {
    ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
        .addLayer("fc1", new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.IDENTITY).build(), "in")
        .addLayer("bn", new BatchNormalization.Builder().nOut(256).activation(Activation.RELU).build(), "fc1")
        .addLayer("fc2", new DenseLayer.Builder().nIn(256).nOut(128).activation(Activation.RELU).build(), "bn")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10)
            .activation(Activation.SOFTMAX).build(), "fc2")
        .setOutputs("out").build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return graph;
  }

  /** Parameters (batch-norm mean and variance included), updater state and counters, bit for bit. */
  private record State(long[] params, long[] updater, int iteration, int epoch) {
    static State of(MultiLayerNetwork net) {
      return new State(Nets.bits(net.params()), Nets.bits(net.getUpdater().getStateViewArray()),
          net.getIterationCount(), net.getEpochCount());
    }

    static State of(ComputationGraph graph) {
      return new State(Nets.bits(graph.params()), Nets.bits(graph.getUpdater().getStateViewArray()),
          graph.getConfiguration().getIterationCount(), graph.getConfiguration().getEpochCount());
    }

    void assertEqualTo(State other, String what) {
      assertArrayEquals(params, other.params, what + ": parameters changed by the range test");
      assertArrayEquals(updater, other.updater, what + ": updater state changed by the range test");
      assertEquals(iteration, other.iteration, what + ": iteration count");
      assertEquals(epoch, other.epoch, what + ": epoch count");
    }
  }

  private static void fit(Model net, int from, int count) {
    for (int i = from; i < from + count; i++) {
      if (net instanceof MultiLayerNetwork m) {
        m.fit(train.get(i));
      } else {
        ((ComputationGraph) net).fit(train.get(i));
      }
    }
  }

  @Test
  void mlpWithBatchNormKeepsParametersAndUpdaterStateBitwiseAndTrainsOnAsWithoutTheTest() {
    MultiLayerNetwork without = mlpWithBatchNorm();
    fit(without, 0, 3);
    fit(without, 3, 4);

    MultiLayerNetwork net = mlpWithBatchNorm();
    fit(net, 0, 3);
    State before = State.of(net);
    assertTrue(before.updater.length > 0);
    DataSetIterator trainIterator = Dl4jData.iterator(train);
    RangeTestResult result = Dl4jRangeTest.run(net, trainIterator, Dl4jData.iterator(validation), TEST,
        new Nesterovs(0.9), null);
    assertTrue(result.points().size() >= 10, result.points().size() + " points");
    assertTrue(result.points().stream().anyMatch(p -> !Double.isNaN(p.accuracy())), "held-out accuracy was watched");
    State.of(net).assertEqualTo(before, "mlp");
    assertTrue(trainIterator.hasNext() && trainIterator.next().getFeatures().equals(train.get(0).getFeatures()),
        "the training iterator is rewound");

    fit(net, 3, 4);
    assertArrayEquals(Nets.bits(without.params()), Nets.bits(net.params()), "training after the test");
  }

  @Test
  void computationGraphKeepsParametersAndUpdaterStateBitwise() {
    ComputationGraph graph = graphWithBatchNorm();
    fit(graph, 0, 3);
    State before = State.of(graph);
    RangeTestResult result = Dl4jRangeTest.run(graph, Dl4jData.iterator(train), Dl4jData.iterator(validation), TEST,
        new Nesterovs(0.9), null);
    assertTrue(result.points().size() >= 10, result.points().size() + " points");
    State.of(graph).assertEqualTo(before, "graph");
  }

  @Test
  void keepsTheNetworkAlsoWhenAListenerThrows() {
    MultiLayerNetwork net = mlpWithBatchNorm();
    fit(net, 0, 2);
    State before = State.of(net);
    RangeTest.Listener failing = (point, steps) -> {
      if (point.index() == 4) {
        throw new IllegalStateException("listener failed on purpose");
      }
    };
    assertThrows(IllegalStateException.class, () -> Dl4jRangeTest.run(net, Dl4jData.iterator(train),
        Dl4jData.iterator(validation), TEST, new Nesterovs(0.9), failing));
    State.of(net).assertEqualTo(before, "after a failed test");
  }

  @Test
  void suggestsBoundsInsideTheTestedRangeWithEveryMethodOfTheCore() {
    MultiLayerNetwork net = mlpWithBatchNorm();
    RangeTest test = RangeTest.builder().startLr(1e-4).endLr(10).steps(60).evalEvery(5).build();
    RangeTestResult r = Dl4jRangeTest.run(net, Dl4jData.iterator(train), Dl4jData.iterator(validation), test,
        new Nesterovs(0.9), null);
    double lower = r.suggestion().lower();
    double upper = r.suggestion().upper();
    assertTrue(lower >= 1e-4 && upper <= 10 && lower <= upper, r.suggestion().toString());
    for (SuggestionMethod method : SuggestionMethod.values()) {
      assertTrue(r.suggestions().containsKey(method) || r.failures().containsKey(method), method.toString());
    }
    assertTrue(r.toCsv().lines().count() > 10, "plot data");
  }

  @Test
  void nesterovStepsArePyTorchsSgdWithNesterovMomentumAtTheRateUnderTest() {
    // DL4J's Nesterovs keeps lr inside its velocity; the probe rescales the velocity so that each step is
    // w -= lr·(g + m·buf), buf = m·buf + g, with lr the rate under test. Reference: that update by hand.
    double m = 0.9;
    List<DataSet> batches = Nets.randomBatches(12, 21, DataType.DOUBLE);
    RangeTest test = RangeTest.builder().startLr(1e-3).endLr(1).steps(12).build();
    MultiLayerNetwork net = Nets.tiny(new NeuralNetConfiguration.Builder(), new Nesterovs(0.1, 0.5), DataType.DOUBLE);
    RangeTestResult result = Dl4jRangeTest.run(net, Dl4jData.iterator(batches), null, test, new Nesterovs(m), null);
    assertEquals(12, result.points().size());

    MultiLayerNetwork reference = Nets.tiny(new NeuralNetConfiguration.Builder(), new Sgd(0), DataType.DOUBLE);
    INDArray buf = null;
    for (int k = 0; k < 12; k++) {
      DataSet batch = batches.get(k);
      reference.setInput(batch.getFeatures());
      reference.setLabels(batch.getLabels());
      reference.computeGradientAndScore();
      double loss = reference.score();
      INDArray g = reference.gradient().gradient().div(batch.numExamples());
      buf = buf == null ? g.dup() : buf.mul(m).addi(g);
      reference.setParams(reference.params().sub(g.add(buf.mul(m)).muli(test.lrAt(k))));
      assertEquals(loss, result.points().get(k).loss(), 1e-12 * loss, "loss at step " + k);
    }
  }

  @Test
  void rejectsAnUninitializedNetwork() {
    MultiLayerNetwork net = new MultiLayerNetwork(mlpWithBatchNorm().getLayerWiseConfigurations());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dl4jRangeTest.run(net, Dl4jData.iterator(train), null, TEST, new Nesterovs(0.9), null));
    assertTrue(e.getMessage().startsWith("net must be initialized"), e.getMessage());
  }

}
