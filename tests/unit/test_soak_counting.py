"""The soak counts each worker that died once, whatever lines its death left in gunicorn's log."""
from bench.soak import SoakReport, evaluate


def crashes(report: SoakReport) -> str:
    evaluate(report)
    return next(target["measured"] for target in report.targets if target["row"] == "soak/worker crashes")


def report(start, end, lines) -> SoakReport:
    return SoakReport(database="postgresql", started="", minutes=20, data="", load_average_before=[0.0],
                      worker_pids_start=start, worker_pids_end=end, crash_lines=lines)


def test_a_worker_killed_and_replaced_is_one_crash():
    lines = ["Fatal Python error: Segmentation fault",
             "[2026-12-07 15:58:14 +0000] [7649] [WARNING] Worker (pid:7651) was sent SIGSEGV!"]
    assert crashes(report([7650, 7651], [7650, 7884], lines)) == "1"


def test_a_replacement_that_dies_too_is_a_second_crash():
    lines = ["[x] [1] [WARNING] Worker (pid:7651) was sent SIGSEGV!",
             "[x] [1] [ERROR] Worker (pid:7884) exited with code 1"]
    assert crashes(report([7650, 7651], [7650, 7990], lines)) == "2"


def test_no_worker_lost_is_no_crash():
    assert crashes(report([7650, 7651], [7650, 7651], [])) == "0"
