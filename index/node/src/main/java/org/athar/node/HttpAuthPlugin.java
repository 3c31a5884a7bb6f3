package org.athar.node;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.UnaryOperator;

import org.opensearch.client.node.NodeClient;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestChannel;
import org.opensearch.rest.RestHandler;
import org.opensearch.rest.RestRequest;

/**
 * HTTP authentication for the embedded node (OpenSearch's security plugin is not on Maven Central).
 *
 * <p>Every REST handler is wrapped: a request passes only with {@code Authorization: Basic} of the
 * configured user and password, or {@code Authorization: Bearer} of the password; anything else gets
 * 401 with a {@code WWW-Authenticate} challenge and no data. The credentials come from the launcher's
 * environment ({@code ATHAR_NODE_USER}, {@code ATHAR_NODE_PASSWORD}), set by index/node.py; without a
 * password the node refuses to start (fail closed). Comparisons are constant-time.
 */
public final class HttpAuthPlugin extends Plugin implements ActionPlugin {

    static final String USER_ENV = "ATHAR_NODE_USER";
    static final String PASSWORD_ENV = "ATHAR_NODE_PASSWORD";
    /** Shortest password accepted: a guessable secret would be no protection. */
    static final int MIN_PASSWORD_LENGTH = 16;

    private final byte[] basic;
    private final byte[] bearer;

    public HttpAuthPlugin() {
        String user = System.getenv().getOrDefault(USER_ENV, "athar");
        String password = System.getenv(PASSWORD_ENV);
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalStateException(
                PASSWORD_ENV + " is missing or shorter than " + MIN_PASSWORD_LENGTH
                    + " characters; start the node with 'athar node start' (it sets the credentials).");
        }
        String pair = user + ":" + password;
        this.basic = ("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
            .getBytes(StandardCharsets.UTF_8);
        this.bearer = ("Bearer " + password).getBytes(StandardCharsets.UTF_8);
    }

    boolean allowed(String authorization) {
        if (authorization == null) {
            return false;
        }
        byte[] given = authorization.trim().getBytes(StandardCharsets.UTF_8);
        // both compared, always: the time taken does not say which scheme came close
        boolean isBasic = MessageDigest.isEqual(given, basic);
        boolean isBearer = MessageDigest.isEqual(given, bearer);
        return isBasic | isBearer;
    }

    final class Guarded extends RestHandler.Wrapper {
        Guarded(RestHandler delegate) {
            super(delegate);
        }

        @Override
        public void handleRequest(RestRequest request, RestChannel channel, NodeClient client) throws Exception {
            if (allowed(request.header("Authorization"))) {
                super.handleRequest(request, channel, client);
                return;
            }
            BytesRestResponse refused = new BytesRestResponse(
                RestStatus.UNAUTHORIZED,
                "application/json; charset=UTF-8",
                "{\"error\":{\"type\":\"unauthorized\",\"reason\":\"credentials required\"},\"status\":401}");
            refused.addHeader("WWW-Authenticate", "Basic realm=\"athar-search\", Bearer");
            channel.sendResponse(refused);
        }
    }

    @Override
    public UnaryOperator<RestHandler> getRestHandlerWrapper(ThreadContext threadContext) {
        return Guarded::new;
    }
}
