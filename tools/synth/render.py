"""Offscreen rendering with moderngl on a headless EGL context (Mesa llvmpipe).

Why moderngl: it is maintained, installs from PyPI as a wheel, and runs
without a display or GPU through EGL (Debian's ``libegl1`` and
``libgl1-mesa-dri``). The scene: the lifter, the implement, a floor, two
walls; soft light = sky/ground ambient + a key and a fill light.
Positions in metres, angles in degrees, focal length in mm (35 mm
equivalent, 36 mm across the image's width).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

VERTEX_SHADER = """
#version 330
uniform mat4 mvp;
in vec3 in_pos; in vec3 in_norm; in vec3 in_col;
out vec3 v_norm; out vec3 v_col;
void main() { gl_Position = mvp * vec4(in_pos, 1.0); v_norm = in_norm; v_col = in_col; }
"""
FRAGMENT_SHADER = """
#version 330
in vec3 v_norm; in vec3 v_col; out vec4 f_col;
uniform vec3 key_dir; uniform vec3 fill_dir;
void main() {
    vec3 n = normalize(v_norm);
    if (!gl_FrontFacing) n = -n;
    float hemi = mix(0.38, 0.62, 0.5 + 0.5 * n.y);
    float light = hemi + 0.5 * max(dot(n, key_dir), 0.0) + 0.18 * max(dot(n, fill_dir), 0.0);
    f_col = vec4(pow(v_col * light, vec3(1.0 / 1.1)), 1.0);
}
"""


@dataclass
class Camera:
    """A pinhole camera aimed at the lifter.

    yaw: 0 = side-on from the lifter's right, 90 = in front (deg);
    pitch: extra downward tilt after aiming at ``aim_height`` (deg);
    roll: tilt about the view axis (deg); height, distance (m, horizontal
    from the aim point); focal_mm (35 mm equivalent); width, height_px
    (pixels); fps (frames per second); aim_x, aim_height: the
    point aimed at (m).
    """

    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    height: float = 1.0
    distance: float = 2.7
    focal_mm: float = 28.0
    width: int = 640
    height_px: int = 480
    fps: float = 30.0
    aim_x: float = -0.05
    aim_height: float = 0.85
    msaa: int = 4     # multisample anti-aliasing samples (0 = off, about 2x faster)

    @classmethod
    def from_dict(cls, d: dict) -> "Camera":
        cam = cls(**d)
        if cam.width < 64 or cam.height_px < 64 or cam.width % 2 or cam.height_px % 2:
            raise ValueError("width and height_px must be even and >= 64 pixels")
        if cam.distance <= 0.5 or cam.focal_mm <= 0 or cam.fps <= 0:
            raise ValueError("distance must be > 0.5 m, focal_mm and fps > 0")
        return cam

    def as_dict(self) -> dict:
        return asdict(self)

    def position(self) -> np.ndarray:
        y = np.radians(self.yaw)
        return np.array([self.aim_x + self.distance * np.sin(y), self.height, self.distance * np.cos(y)])

    def view(self) -> np.ndarray:
        """(4, 4) world → camera matrix (camera looks down its -z)."""
        eye = self.position()
        target = np.array([self.aim_x, self.aim_height, 0.0])
        f = (target - eye) / np.linalg.norm(target - eye)
        r = np.cross(f, [0.0, 1.0, 0.0])
        r /= np.linalg.norm(r)
        u = np.cross(r, f)
        m = np.eye(4)
        m[:3, :3] = np.stack([r, u, -f])
        m[:3, 3] = -m[:3, :3] @ eye
        # a positive pitch turns the camera down (about its own x axis), so the
        # scene, and the lifter, move up in the image
        p, q = -np.radians(self.pitch), np.radians(self.roll)
        tilt = np.eye(4)
        tilt[1:3, 1:3] = [[np.cos(p), np.sin(p)], [-np.sin(p), np.cos(p)]]
        spin = np.eye(4)
        spin[:2, :2] = [[np.cos(q), -np.sin(q)], [np.sin(q), np.cos(q)]]
        return spin @ tilt @ m

    def projection(self, near: float = 0.1, far: float = 30.0) -> np.ndarray:
        fx = self.focal_mm / 36.0 * self.width
        t = near * self.height_px / (2 * fx)
        r = near * self.width / (2 * fx)
        return np.array([[near / r, 0, 0, 0], [0, near / t, 0, 0],
                         [0, 0, -(far + near) / (far - near), -2 * far * near / (far - near)], [0, 0, -1, 0]])

    def project(self, points: np.ndarray) -> np.ndarray:
        """World points (..., 3) → image pixels (..., 2), x right, y down."""
        p = np.concatenate([points, np.ones(points.shape[:-1] + (1,))], axis=-1)
        clip = p @ (self.projection() @ self.view()).T
        ndc = clip[..., :2] / clip[..., 3:4]
        return np.stack([(ndc[..., 0] + 1) * 0.5 * self.width, (1 - ndc[..., 1]) * 0.5 * self.height_px], -1)


def room() -> list:
    """Floor and two walls as (verts, faces, colour) parts."""
    def quad(c, u, v):
        c, u, v = map(np.asarray, (c, u, v))
        return np.array([c - u - v, c + u - v, c + u + v, c - u + v]), np.array([[0, 1, 2], [0, 2, 3]])
    return [(*quad([0, 0, 0], [6, 0, 0], [0, 0, 6]), (0.55, 0.52, 0.48)),
            (*quad([0, 3, -3.0], [6, 0, 0], [0, 3, 0]), (0.78, 0.80, 0.82)),
            (*quad([-3.0, 3, 0], [0, 0, 6], [0, 3, 0]), (0.74, 0.76, 0.78))]


class Renderer:
    """Draws coloured triangle meshes into an RGB image through a :class:`Camera`."""

    def __init__(self, camera: Camera):
        import moderngl
        samples = camera.msaa
        self.camera = camera
        self.ctx = moderngl.create_standalone_context(backend="egl")
        self.prog = self.ctx.program(vertex_shader=VERTEX_SHADER, fragment_shader=FRAGMENT_SHADER)
        size = (camera.width, camera.height_px)
        self.msaa = self.ctx.framebuffer(self.ctx.renderbuffer(size, samples=samples),
                                         self.ctx.depth_renderbuffer(size, samples=samples))
        self.out = self.ctx.simple_framebuffer(size)
        self.prog["mvp"].write((camera.projection() @ camera.view()).T.astype("f4").tobytes())
        for name, d in (("key_dir", (0.5, 0.8, 0.45)), ("fill_dir", (-0.6, 0.3, -0.4))):
            self.prog[name].value = tuple(np.asarray(d) / np.linalg.norm(d))

    def draw(self, verts: np.ndarray, normals: np.ndarray, colours: np.ndarray,
             faces: np.ndarray) -> np.ndarray:
        """Render one frame of indexed triangles; returns (H, W, 3) uint8 RGB."""
        data = np.concatenate([verts, normals, colours], axis=1).astype("f4")
        vbo = self.ctx.buffer(data.tobytes())
        ibo = self.ctx.buffer(faces.astype("i4").tobytes())
        vao = self.ctx.vertex_array(self.prog, [(vbo, "3f 3f 3f", "in_pos", "in_norm", "in_col")], ibo)
        self.msaa.use()
        self.ctx.enable(self.ctx.DEPTH_TEST)
        self.ctx.clear(0.8, 0.8, 0.8, 1.0)
        vao.render()
        self.ctx.copy_framebuffer(self.out, self.msaa)
        img = np.frombuffer(self.out.read(components=3), dtype=np.uint8)
        for obj in (vao, ibo, vbo):
            obj.release()
        return img.reshape(self.camera.height_px, self.camera.width, 3)[::-1].copy()

    def release(self) -> None:
        self.ctx.release()
