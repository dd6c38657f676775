"""The baseline of `bench/api.py`: a hello-world Litestar app served by uvicorn with the
settings `timebank serve` uses (same worker count, log level, worker health-check time and
keep-alive time).

Run as `python -m bench.hello --port P [--workers N]`.
"""

from __future__ import annotations

import argparse

from litestar import Litestar, get


@get("/")
async def hello() -> dict[str, str]:
    return {"hello": "world"}


app = Litestar([hello])


def main() -> None:
    import uvicorn

    from web.cli import KEEP_ALIVE_SECONDS, WORKER_HEALTHCHECK_SECONDS

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    uvicorn.run(
        "bench.hello:app",
        workers=args.workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        host="127.0.0.1",
        port=args.port,
        log_level="info",
    )


if __name__ == "__main__":
    main()
