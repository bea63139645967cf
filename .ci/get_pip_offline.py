"""Stand-in for the get-pip.py that ansible-test downloads from ci-files.testing.ansible.com.

CI reaches the package registries only, so ansible-test's own bootstrap download fails.
This script gives a fresh virtualenv pip the same way (the interpreter's bundled
ensurepip wheel), then installs what ansible-test asked for (pip==X, setuptools, ...)
from the package index, as get-pip.py would.
"""
import subprocess
import sys

# in a child process: ensurepip blanks pip's configuration (PIP_CONFIG_FILE) in its own
# process, and the install below needs the machine's pip.conf (index, CA bundle)
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
if args:
    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
