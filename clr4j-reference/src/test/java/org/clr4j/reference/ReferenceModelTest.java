package org.clr4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceModelTest {
  private static float maxAbsDiff(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat();
  }

  @Test
  void channelsLastKeepsEveryValueAndTheShape() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      for (Shape shape : List.of(new Shape(4, 1, 5, 6), new Shape(3, 3, 4, 5))) {
        NDArray x = m.randomNormal(shape);
        NDArray y = ReferenceModel.channelsLast(new NDList(x)).singletonOrThrow();
        assertEquals(shape, y.getShape());
        assertArrayEquals(x.toFloatArray(), y.toFloatArray(), shape.toString());
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ReferenceModel.channelsLast(new NDList(m.zeros(new Shape(2, 3)))));
      assertTrue(e.getMessage().contains("{n, c, h, w}"), e.getMessage());
    }
  }

  /** The channels-last cnn is a memory layout, not another model: outputs and every gradient match NCHW's. */
  @Test
  void theChannelsLastCnnComputesTheSameOutputsAndGradientsAsPlainNchw() {
    Engine.getEngine("PyTorch").setRandomSeed(5);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      Shape input = new Shape(16, 1, 28, 28);
      Block fast = ReferenceModel.CNN.build(new int[] {1, 28, 28}, 10, true);
      Block plain = ReferenceModel.CNN.build(new int[] {1, 28, 28}, 10, false);
      fast.initialize(m, DataType.FLOAT32, input);
      plain.initialize(m, DataType.FLOAT32, input);
      List<Parameter> fastParams = fast.getParameters().values();
      List<Parameter> plainParams = plain.getParameters().values();
      assertEquals(plainParams.size(), fastParams.size(), "the layout adds no parameters");
      for (int i = 0; i < fastParams.size(); i++) {
        plainParams.get(i).getArray().set(new NDIndex("..."), fastParams.get(i).getArray());
      }
      NDArray x = m.randomUniform(0, 1, input);
      NDArray labels = m.randomInteger(0, 10, new Shape(16), DataType.INT32);
      NDArray fastOut = step(fast, m, x, labels);
      NDArray plainOut = step(plain, m, x, labels);
      assertTrue(maxAbsDiff(fastOut, plainOut) < 1e-4f, "outputs differ by " + maxAbsDiff(fastOut, plainOut));
      for (int i = 0; i < fastParams.size(); i++) {
        String name = fastParams.get(i).getName();
        if (!fastParams.get(i).requiresGradient()) {
          // Batch norm's running statistics, updated by the training-mode forward pass.
          float diff = maxAbsDiff(fastParams.get(i).getArray(), plainParams.get(i).getArray());
          assertTrue(diff < 1e-5f, name + " differs by " + diff);
          continue;
        }
        NDArray g1 = fastParams.get(i).getArray().getGradient();
        NDArray g2 = plainParams.get(i).getArray().getGradient();
        float largest = g2.abs().max().getFloat();
        float diff = maxAbsDiff(g1, g2);
        // Float sums in another order: within 1e-3 of the largest element, or 1e-4 absolute where the true gradient
        // is zero (the convolutions' biases, which batch norm cancels).
        assertTrue(diff <= Math.max(1e-4f, 1e-3f * largest), name + ": gradients differ by "
            + diff + " (largest " + largest + ")");
      }
    }
  }

  private static NDArray step(Block block, NDManager m, NDArray x, NDArray labels) {
    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray out = block.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
      NDArray loss = out.logSoftmax(1).mul(labels.oneHot(10)).sum().neg();
      collector.backward(loss);
      return out;
    }
  }

  @Test
  void theCnnNeedsImageShapedSamples() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceModel.CNN.build(new int[] {64}, 10));
    assertTrue(e.getMessage().contains("channels, height, width"), e.getMessage());
  }

  @Test
  void listsEveryModelItBuilds() {
    for (ReferenceModel model : ReferenceModel.values()) {
      Block b = ReferenceModel.fromName(model.cliName()).build(new int[] {1, 28, 28}, 10);
      assertTrue(b.getChildren().size() > 3, model.cliName());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReferenceModel.fromName("resnet"));
    assertEquals("model (resnet) must be one of mlp, cnn", e.getMessage());
  }

}
