package org.clr4j.dl4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.clr4j.data.Dataset;
import org.clr4j.sampling.EpochOrder;
import org.clr4j.data.FashionMnist;
import org.clr4j.data.TrainTest;
import org.clr4j.dl4j.ClrSchedule;
import org.clr4j.dl4j.SparkSteps;
import org.clr4j.schedule.Schedule;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Trains clr4j's mlp (784-256-128-10) on the embedded Fashion-MNIST subset on Spark with parameter averaging and a
 * 1cycle schedule whose total steps come from {@link SparkSteps}, so the cycle ends with the last epoch.
 *
 * <pre>
 *   spark-submit --class org.clr4j.dl4j.spark.SparkOneCycleExample app.jar [epochs] [workers] [batch] [averaging] [maxLr]
 * </pre>
 *
 * Without a master from spark-submit it runs in local mode with {@code workers} threads. See docs/DL4J.md.
 */
public final class SparkOneCycleExample {
  /** What a run did: the schedule, the master's iteration count at the end, the test accuracy. */
  public record Result(Schedule schedule, long totalSteps, int iterations, double accuracy) {}

  private SparkOneCycleExample() {}

  public static void main(String[] args) {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int averaging = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    double maxLr = args.length > 4 ? Double.parseDouble(args[4]) : 0.05;
    SparkConf conf = new SparkConf().setAppName("clr4j 1cycle on Spark");
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[" + workers + "]");
    }
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      Result r = run(sc, FashionMnist.embeddedSmall(), epochs, workers, batch, averaging, maxLr);
      System.out.printf("%s%nschedule steps: %d planned, %d taken; test accuracy %.2f%%%n", r.schedule(),
          r.totalSteps(), r.iterations(), 100 * r.accuracy());
    }
  }

  /**
   * Trains for {@code epochs} epochs with {@code workers} workers, {@code batch} examples per worker minibatch and
   * parameters averaged every {@code averaging} minibatches; 1cycle up to {@code maxLr} with momentum 0.95..0.85.
   */
  public static Result run(JavaSparkContext sc, TrainTest data, int epochs, int workers, int batch, int averaging,
      double maxLr) {
    Dataset train = data.train();
    long total = SparkSteps.total(epochs, train.size(), workers, batch, averaging);
    Schedule oneCycle = Schedule.parse("onecycle(max=" + maxLr + ", total=" + total + ", momentum=0.85:0.95)");
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(42)
        .weightInit(WeightInit.XAVIER_UNIFORM).l2(5e-4)
        .updater(new Nesterovs(ClrSchedule.learningRate(oneCycle), ClrSchedule.momentum(oneCycle)))
        .list()
        .layer(new DenseLayer.Builder().nIn(train.featureCount()).nOut(256).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(256).nOut(128).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(train.numClasses())
            .activation(Activation.SOFTMAX).build())
        .build());
    net.init();

    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, batch)
        .batchSizePerWorker(batch).averagingFrequency(averaging).saveUpdater(true).rngSeed(42).build();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
    for (int epoch = 0; epoch < epochs; epoch++) {
      sparkNet.fit(sc.parallelize(batches(train, batch, new EpochOrder(train.size(), 42).order(epoch)), workers));
    }
    double accuracy =
        sparkNet.getNetwork().evaluate(new ListDataSetIterator<>(batches(data.test(), 500, null), 1)).accuracy();
    return new Result(oneCycle, total, sparkNet.getNetwork().getIterationCount(), accuracy);
  }

  /** Minibatches of {@code size} (features flattened, labels one-hot) in {@code order}, or stored order if null. */
  public static List<DataSet> batches(Dataset data, int size, int[] order) {
    int[] o = order;
    if (o == null) {
      o = new int[data.size()];
      for (int i = 0; i < o.length; i++) {
        o[i] = i;
      }
    }
    List<DataSet> batches = new ArrayList<>();
    int f = data.featureCount();
    int c = data.numClasses();
    for (int from = 0; from < o.length; from += size) {
      int n = Math.min(size, o.length - from);
      float[] x = new float[n * f];
      int[] y = new int[n];
      data.gather(o, from, n, x, y);
      float[] oneHot = new float[n * c];
      for (int i = 0; i < n; i++) {
        oneHot[i * c + y[i]] = 1f;
      }
      batches.add(new DataSet(Nd4j.create(x, new long[] {n, f}, 'c'), Nd4j.create(oneHot, new long[] {n, c}, 'c')));
    }
    return batches;
  }
}
