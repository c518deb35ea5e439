package org.clr4j.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks and data for the tests. */
public final class Nets {
  private Nets() {}

  /** A 6-8-3 MLP with {@code updater}, built from {@code builder} (for regularization settings). */
  public static MultiLayerNetwork tiny(NeuralNetConfiguration.Builder builder, IUpdater updater, DataType type) {
    MultiLayerConfiguration conf = builder.seed(7).dataType(type).updater(updater).weightInit(WeightInit.XAVIER)
        .list()
        .layer(new DenseLayer.Builder().nIn(6).nOut(8).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
            .activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** {@code count} seeded random batches of 10 examples for {@link #tiny}. */
  public static List<DataSet> randomBatches(int count, long seed, DataType type) {
    Random random = new Random(seed);
    List<DataSet> batches = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      double[][] x = new double[10][6];
      double[][] y = new double[10][3];
      for (int i = 0; i < 10; i++) {
        for (int j = 0; j < 6; j++) {
          x[i][j] = random.nextGaussian();
        }
        y[i][random.nextInt(3)] = 1;
      }
      batches.add(new DataSet(Nd4j.create(x).castTo(type), Nd4j.create(y).castTo(type)));
    }
    return batches;
  }

  /**
   * Fits {@code batch} and returns the learning rate the step applied, measured from the parameters: with plain
   * SGD and no regularization the step is {@code −lr·g}, so {@code lr = (Δw·g)/(g·g)} with the gradient computed on
   * the same batch just before ({@code computeGradientAndScore} sums over the batch; the updater divides by its
   * size).
   */
  public static double fitAndMeasureRate(MultiLayerNetwork net, DataSet batch) {
    INDArray before = net.params().dup();
    net.setInput(batch.getFeatures());
    net.setLabels(batch.getLabels());
    net.computeGradientAndScore();
    INDArray g = net.gradient().gradient().div(batch.numExamples());
    net.fit(batch);
    INDArray step = before.sub(net.params());
    return step.mul(g).sumNumber().doubleValue() / g.mul(g).sumNumber().doubleValue();
  }

  /** The exact bits of {@code a} (for bitwise comparisons; {@code INDArray.equals} has a tolerance). */
  public static long[] bits(INDArray a) {
    double[] v = a.castTo(DataType.DOUBLE).toDoubleVector();
    long[] bits = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = Double.doubleToRawLongBits(v[i]);
    }
    return bits;
  }
}
