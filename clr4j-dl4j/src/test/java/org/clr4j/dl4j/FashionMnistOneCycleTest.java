package org.clr4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.clr4j.data.Dataset;
import org.clr4j.sampling.EpochOrder;
import org.clr4j.data.FashionMnist;
import org.clr4j.data.TrainTest;
import org.clr4j.dl4j.rangetest.Dl4jRangeTest;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.schedule.Schedule;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * clr4j's recipe in DL4J: range test, bounds, 1cycle with cycled momentum, on the embedded Fashion-MNIST subset
 * (10,000 train / 2,000 test), the mlp of clr4j-djl (784-256-128-10), batch 128, 5 epochs, as
 * {@code ./clr4j train --data fashion-mnist-small --model mlp --policy onecycle --bounds auto --epochs 5}.
 */
class FashionMnistOneCycleTest {
  /**
   * That command's final test accuracy (DJL 0.36 / PyTorch 2.7.1, seed 42, 2 threads; docs/DL4J.md): SGD with
   * momentum 0.9 and weight decay 5e-4, range test 1e-5..10 in 100 steps (divergence method), then
   * onecycle(max=0.023, total=395, momentum=0.85:0.95).
   */
  static final double DJL_MLP_ACCURACY = 0.8260;

  static final int BATCH = 128;
  static final int EPOCHS = 5;
  static final long SEED = 42;

  @Test
  void reachesTheAccuracyOfTheDjlMlpWithinOnePoint() {
    TrainTest data = FashionMnist.embeddedSmall();
    Dataset train = data.train();

    // Range test: SGD with Nesterov momentum 0.9 (the net's l2 5e-4 stays), 1000 training samples held out.
    int[] order = new EpochOrder(train.size(), SEED ^ 0x5eed_7e57L).order(0);
    Dataset heldOut = subset(train, Arrays.copyOf(order, 1000));
    Dataset rest = subset(train, Arrays.copyOfRange(order, 1000, order.length));
    RangeTest test = RangeTest.builder().startLr(1e-5).endLr(10).steps(100).evalEvery(5).build();
    MultiLayerNetwork net = mlp(new Nesterovs(0.01, 0.9)); // its updater is replaced for the test anyway
    RangeTestResult found = Dl4jRangeTest.run(net, Dl4jData.iterator(Dl4jData.batches(rest, BATCH, SEED, 0,
        DataType.FLOAT)), Dl4jData.iterator(Dl4jData.inOrder(heldOut, 500, DataType.FLOAT)), test,
        new Nesterovs(0.9), null);

    long perEpoch = (train.size() + BATCH - 1) / BATCH;
    Schedule oneCycle = found.suggestion().bounds().rounded(2).oneCycle(perEpoch * EPOCHS);
    MultiLayerNetwork trained =
        mlp(new Nesterovs(ClrSchedule.learningRate(oneCycle), ClrSchedule.momentum(oneCycle)));
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      trained.fit(Dl4jData.iterator(Dl4jData.batches(train, BATCH, SEED, epoch, DataType.FLOAT)));
    }
    List<DataSet> testBatches = Dl4jData.inOrder(data.test(), 1000, DataType.FLOAT);
    double accuracy = trained.evaluate(Dl4jData.iterator(testBatches)).accuracy();
    System.out.printf("DL4J mlp, %s, %d epochs: test accuracy %.2f%% (DJL mlp: %.2f%%); %s%n", oneCycle, EPOCHS,
        100 * accuracy, 100 * DJL_MLP_ACCURACY, found.suggestion());
    assertTrue(trained.getIterationCount() == perEpoch * EPOCHS, "one schedule step per iteration");
    assertTrue(accuracy >= DJL_MLP_ACCURACY - 0.01, "accuracy " + accuracy + " vs DJL's " + DJL_MLP_ACCURACY);
  }

  /** clr4j-djl's mlp in DL4J: Glorot-uniform weights as DJL's default, softmax cross-entropy, l2 5e-4. */
  static MultiLayerNetwork mlp(IUpdater updater) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(SEED)
        .weightInit(WeightInit.XAVIER_UNIFORM).l2(5e-4)
        .updater(updater)
        .list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(256).nOut(128).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10)
            .activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    return net;
  }

  private static Dataset subset(Dataset data, int[] indices) {
    float[] x = new float[indices.length * data.featureCount()];
    int[] y = new int[indices.length];
    data.gather(indices, 0, indices.length, x, y);
    return new Dataset(data.name(), data.source(), x, y, data.sampleShape(), data.numClasses());
  }
}
