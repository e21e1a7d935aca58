// Runs many SPARQL queries and SHACL validations in one JVM, so rusgraph's Jena tests pay
// for one start-up (tests/jena.py starts it with java's single-file source launcher).
//
// Each line of the task file (the one argument) is tab-separated:
//   sparql <TAB> DATA.nt <TAB> QUERY.rq <TAB> OUT     SELECT/ASK as SPARQL JSON, else N-Triples
//   shacl  <TAB> DATA.nt <TAB> SHAPES.ttl <TAB> OUT   the SHACL validation report as Turtle
// Data files are loaded once each. A failing task writes "ERROR <message>" to OUT.
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.jena.graph.Graph;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFFormat;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;

public class Batch {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
        Map<String, Dataset> data = new HashMap<>();
        for (String line : lines) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t");
            Dataset ds = data.computeIfAbsent(f[1], RDFDataMgr::loadDataset);
            try (OutputStream out = Files.newOutputStream(Paths.get(f[3]))) {
                try {
                    if (f[0].equals("sparql")) {
                        Query q = QueryFactory.read(f[2]);
                        try (QueryExecution qe = QueryExecutionFactory.create(q, ds)) {
                            if (q.isSelectType()) ResultSetFormatter.outputAsJSON(out, qe.execSelect());
                            else if (q.isAskType()) ResultSetFormatter.outputAsJSON(out, qe.execAsk());
                            else RDFDataMgr.write(out, qe.execConstruct(), Lang.NTRIPLES);
                        }
                    } else {
                        Graph dataGraph = ds.asDatasetGraph().getDefaultGraph();
                        Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(f[2]));
                        ValidationReport report = ShaclValidator.get().validate(shapes, dataGraph);
                        RDFDataMgr.write(out, report.getModel(), RDFFormat.TURTLE_PRETTY);
                    }
                } catch (Exception e) {
                    PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
                    p.print("ERROR " + e);
                    p.flush();
                }
            }
        }
    }
}
