package org.athar.node;

import java.util.Map;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.icu.ICUFoldingFilter;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.NormalizingTokenFilterFactory;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

/**
 * The {@code icu_folding} token filter (Lucene's ICUFoldingFilter: case, diacritics, digit sets, Unicode
 * normalisation), registered under the same name as OpenSearch's analysis-icu plugin, whose jar is not
 * published on Maven Central. Index settings written for the real plugin work unchanged.
 */
public final class IcuFoldingPlugin extends Plugin implements AnalysisPlugin {

    static final class IcuFoldingFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        IcuFoldingFactory(IndexSettings indexSettings, Environment environment, String name, Settings settings) {
            super(indexSettings, name, settings);
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new ICUFoldingFilter(tokenStream);
        }
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of("icu_folding", IcuFoldingFactory::new);
    }
}
