package org.clr4j.dl4j.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Records the iteration and epoch counts each worker step is taken at (local mode: a static queue). */
final class IterationRecorder implements TrainingListener, Serializable {
  private static final long serialVersionUID = 1L;

  record Step(String thread, int iteration, int epoch) {}

  static final ConcurrentLinkedQueue<Step> STEPS = new ConcurrentLinkedQueue<>();

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    STEPS.add(new Step(Thread.currentThread().getName(), iteration, epoch));
  }

  @Override
  public void onEpochStart(Model model) {}

  @Override
  public void onEpochEnd(Model model) {}

  @Override
  public void onForwardPass(Model model, List<INDArray> activations) {}

  @Override
  public void onForwardPass(Model model, Map<String, INDArray> activations) {}

  @Override
  public void onGradientCalculation(Model model) {}

  @Override
  public void onBackwardPass(Model model) {}
}
