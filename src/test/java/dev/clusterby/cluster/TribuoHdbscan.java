package dev.clusterby.cluster;

import org.tribuo.MutableDataset;
import org.tribuo.clustering.ClusterID;
import org.tribuo.clustering.ClusteringFactory;
import org.tribuo.clustering.hdbscan.HdbscanModel;
import org.tribuo.clustering.hdbscan.HdbscanTrainer;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.distance.L2Distance;
import org.tribuo.math.neighbour.NeighboursQueryFactoryType;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.ArrayList;
import java.util.List;

/** Tribuo's HdbscanTrainer (the reference) on a row-major float matrix; noise is −1 as in clusterby (Tribuo says 0). */
final class TribuoHdbscan {
    private TribuoHdbscan() {}

    static int[] labels(float[] x, int n, int d, int minClusterSize, int k, int threads) {
        ClusteringFactory factory = new ClusteringFactory();
        String[] names = new String[d];
        for (int j = 0; j < d; j++) names[j] = String.format("f%03d", j);
        List<org.tribuo.Example<ClusterID>> examples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] values = new double[d];
            for (int j = 0; j < d; j++) values[j] = x[i * d + j];
            examples.add(new ArrayExample<>(factory.getUnknownOutput(), names, values));
        }
        MutableDataset<ClusterID> data = new MutableDataset<>(new ListDataSource<>(examples,
                factory, new SimpleDataSourceProvenance("blobs", factory)));
        HdbscanTrainer trainer = new HdbscanTrainer(minClusterSize, new L2Distance(), k, threads,
                threads > 1 ? NeighboursQueryFactoryType.KD_TREE : NeighboursQueryFactoryType.KD_TREE);
        HdbscanModel model = trainer.train(data);
        List<Integer> labels = model.getClusterLabels();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = labels.get(i) == 0 ? -1 : labels.get(i);
        return out;
    }
}
