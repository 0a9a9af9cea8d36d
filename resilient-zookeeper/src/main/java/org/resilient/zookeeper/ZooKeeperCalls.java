package org.resilient.zookeeper;

import java.util.concurrent.Callable;
import org.apache.zookeeper.KeeperException;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** Runs Curator calls and turns their failures into {@link ResilienceException}s that say what to do. */
final class ZooKeeperCalls {
    private ZooKeeperCalls() {
    }

    /**
     * Runs a call.
     *
     * @param what what the call does, for the message ("read the epoch")
     * @param where the ensemble, for the message
     * @param call the call
     * @return its result
     */
    static <T> T call(String what, String where, Callable<T> call) {
        try {
            return call.call();
        } catch (ResilienceException e) {
            throw e;
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                 | KeeperException.OperationTimeoutException | KeeperException.SessionMovedException e) {
            throw new ResilienceException(ErrorCode.UNREACHABLE, "cannot " + what + ": ZooKeeper at " + where
                    + " is unreachable (" + e.code() + "); check that the ensemble runs and this machine reaches it", e);
        } catch (KeeperException.NoAuthException | KeeperException.AuthFailedException e) {
            throw new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, "cannot " + what + ": ZooKeeper at " + where
                    + " refused access (" + e.code() + "); check the ACLs of zookeeper.base-path", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "interrupted while trying to " + what, e);
        } catch (Exception e) {
            throw new ResilienceException(ErrorCode.UNREACHABLE, "cannot " + what + " in ZooKeeper at " + where + ": " + e,
                    e);
        }
    }
}
